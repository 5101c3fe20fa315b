package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.config.MeshSettings;
import java.util.Optional;

/**
 * A module's hook into every node's start, found with {@link java.util.ServiceLoader} (or given to
 * {@link dev.agentweave.mesh.node.MeshNode.Builder#extension}): it may add Pekko configuration
 * before the node's actor system starts and start its own parts once the node runs. mesh-http
 * serves the gateway and installs its pooled client this way, mesh-cluster makes the node a cluster
 * member, authz-actor joins the decision cache to the cluster's coordination; mesh-core stays free
 * of their code.
 */
public interface NodeExtension {
  /** A short name for logs. */
  String name();

  /**
   * Pekko configuration (HOCON) to add to the node's actor system, or an empty string.
   *
   * @param node the node about to start
   * @return HOCON text
   */
  default String pekkoConfig(NodeSetup node) {
    return "";
  }

  /**
   * The name the node's actor system must have, if this extension needs one (cluster members share
   * it).
   *
   * @param settings the node settings
   * @return the name, or empty for the default
   */
  default Optional<String> actorSystemName(MeshSettings settings) {
    return Optional.empty();
  }

  /**
   * Called once the node's actor system runs, before the node is ready. A failure stops the node
   * and fails its start with this exception.
   *
   * @param node the node
   */
  default void started(NodeContext node) {}
}
