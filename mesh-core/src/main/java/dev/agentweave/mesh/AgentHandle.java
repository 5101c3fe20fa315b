package dev.agentweave.mesh;

/**
 * An agent hosted by a node, seen from outside its handlers: its identity and refs that call other
 * agents as this agent. Obtained from {@link dev.agentweave.mesh.node.MeshNode#agent(String)}.
 * Thread-safe.
 */
public interface AgentHandle {
  /** The agent's SPIFFE ID. */
  SpiffeId spiffeId();

  /** The agent's description. */
  Agent agent();

  /**
   * A ref that calls the target as this agent, with the default timeout {@code
   * transport.timeout_seconds}.
   *
   * @param target the target agent
   * @return the ref
   */
  AgentRef ref(SpiffeId target);

  /**
   * A ref that calls the target as this agent.
   *
   * @param target the target agent's SPIFFE ID as a string
   * @return the ref
   * @throws IllegalArgumentException if the ID is not valid
   */
  AgentRef ref(String target);
}
