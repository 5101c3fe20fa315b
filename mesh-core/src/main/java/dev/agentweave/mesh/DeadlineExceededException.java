package dev.agentweave.mesh;

/**
 * The call's deadline (the caller's timeout, an inherited deadline or the capability's own timeout)
 * passed before it completed. Code {@link ErrorCode#DEADLINE_EXCEEDED}.
 */
public final class DeadlineExceededException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public DeadlineExceededException(String message) {
    super(ErrorCode.DEADLINE_EXCEEDED, message);
  }
}
