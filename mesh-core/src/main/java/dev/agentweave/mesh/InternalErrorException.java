package dev.agentweave.mesh;

/**
 * The handler failed unexpectedly, or its response could not be mapped to the type the caller asked
 * for. Details stay in the callee's log; the message carries only what is safe to show. Code {@link
 * ErrorCode#INTERNAL}.
 */
public final class InternalErrorException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public InternalErrorException(String message) {
    super(ErrorCode.INTERNAL, message);
  }
}
