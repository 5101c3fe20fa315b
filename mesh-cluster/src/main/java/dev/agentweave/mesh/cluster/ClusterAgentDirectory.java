package dev.agentweave.mesh.cluster;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AgentDirectory;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The cluster's agent directory: every node publishes its gateway URL and the agents it hosts in a
 * replicated map (Pekko Distributed Data, an {@code LWWMap} keyed by node address); each node keeps
 * an index of the agents of the other nodes that are up and reachable. A node that becomes
 * unreachable drops out of every index at once and returns when it is reachable again; a node that
 * leaves is removed from the map. Lookups read an immutable snapshot and never block.
 *
 * <p>A cluster member has one, started by the cluster extension; read it with {@code
 * node.component(ClusterAgentDirectory.class)}.
 */
public interface ClusterAgentDirectory extends AgentDirectory {
  /**
   * The whole index: agents of other reachable nodes and their gateways.
   *
   * @return an immutable snapshot, agent to gateway base URLs
   */
  Map<SpiffeId, List<URI>> snapshot();
}
