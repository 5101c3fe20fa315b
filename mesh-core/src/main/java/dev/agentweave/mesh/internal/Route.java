package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.spi.RemoteRoute;

/**
 * Where a call goes, decided once by the pipeline's resolution stage before outbound authorization:
 * an agent hosted here (a keyed agent's front is hosted too: its capability sends the call on to
 * the key's entity), the gateways of other nodes, or nowhere known.
 */
sealed interface Route {
  /** An agent hosted on this node. */
  record Local(AgentRuntime agent) implements Route {}

  /** An agent of other nodes, reached through the remote transport. */
  record Remote(RemoteRoute route) implements Route {}

  /**
   * An agent no known node hosts.
   *
   * @param hint what the node looked in, for the failure message
   */
  record Unknown(String hint) implements Route {}
}
