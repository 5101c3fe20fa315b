package dev.agentweave.mesh;

/**
 * The capability's handler refused the request by throwing a {@link CapabilityException}; the
 * message is the handler's. Code {@link ErrorCode#REJECTED}.
 */
public final class HandlerRejectedException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public HandlerRejectedException(String message) {
    super(ErrorCode.REJECTED, message);
  }
}
