package dev.agentweave.mesh.spi;

import java.util.concurrent.CompletionStage;

/**
 * Delivers calls of keyed agents to the entity of their key, wherever in the cluster it lives.
 * mesh-cluster registers one built on Pekko Cluster Sharding with {@link
 * dev.agentweave.mesh.node.MeshNode#useEntityRouter(EntityRouter)}; without one, a node refuses to
 * start with keyed agents.
 */
public interface EntityRouter {
  /**
   * Sends a call to its entity and returns the entity's answer.
   *
   * @param call the call
   * @return the response as JSON, or a failure with a {@link dev.agentweave.mesh.MeshException}
   */
  CompletionStage<byte[]> ask(EntityCall call);
}
