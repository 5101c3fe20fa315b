package dev.agentweave.mesh;

/** The lifecycle of a {@link dev.agentweave.mesh.node.MeshNode}, as health checks report it. */
public enum NodeState {
  /** Starting: not yet taking calls. */
  STARTING,
  /** Taking calls. */
  READY,
  /** Stopping: refusing new calls and finishing the calls in flight, up to the grace period. */
  DRAINING,
  /** Stopped: every call has completed or been failed. */
  STOPPED
}
