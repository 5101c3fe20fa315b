package dev.agentweave.mesh.spi;

/** Which enforcement point asks for an authorization decision. */
public enum Direction {
  /** The caller's node, before the call leaves. */
  OUTBOUND,
  /** The callee's node, before the handler runs. */
  INBOUND
}
