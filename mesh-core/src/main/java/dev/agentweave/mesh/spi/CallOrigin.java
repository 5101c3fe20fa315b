package dev.agentweave.mesh.spi;

/** Where a call entered the node's call pipeline. */
public enum CallOrigin {
  /** An {@link dev.agentweave.mesh.AgentRef} of an agent on this node, outside a handler. */
  REF,
  /** An {@link dev.agentweave.mesh.AgentRef} made from a handler's call context. */
  HANDLER,
  /** A transport: the gateway's internal endpoint or {@code POST /task}. */
  INBOUND,
  /** A keyed agent's call, arriving at the node that runs the entity of its key. */
  ENTITY
}
