package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.SpiffeId;
import java.net.URI;
import java.util.List;

/**
 * Where agents run: the gateways of other nodes that host an agent. mesh-cluster keeps one for a
 * cluster member (each node publishes the agents it hosts and its gateway; unreachable nodes drop
 * out), registered with {@link NodeContext#useAgentDirectory(AgentDirectory)}; the pooled client of
 * mesh-http asks it for agents it has no static {@code transport.peers} entry for. Thread-safe;
 * lookups do not block.
 */
public interface AgentDirectory {
  /**
   * The gateways of reachable nodes other than this one that host the agent.
   *
   * @param agent the agent
   * @return base URLs ({@code https://host:port}); empty when no other node hosts it
   */
  List<URI> gateways(SpiffeId agent);
}
