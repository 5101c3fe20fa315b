package dev.agentweave.mesh.internal;

/**
 * Where the outcome of one delivered call goes. Implementations complete at most once and ignore
 * later outcomes; all methods are thread-safe.
 */
public interface ReplySink {
  /** The target accepted the call into a capability's mailbox. */
  void accepted();

  /**
   * The handler answered.
   *
   * @param value the handler's response
   */
  void succeed(Object value);

  /**
   * The call failed.
   *
   * @param error a {@link dev.agentweave.mesh.MeshException}
   */
  void fail(Throwable error);

  /**
   * Whether nobody waits for the outcome any more (the caller timed out or gave up).
   *
   * @return true when the outcome would be ignored
   */
  boolean abandoned();

  /**
   * Bounds the call by a deadline, for example a capability's own timeout.
   *
   * @param deadlineNanos a {@link System#nanoTime()} instant
   * @param message the failure message when it passes
   */
  void armDeadline(long deadlineNanos, String message);
}
