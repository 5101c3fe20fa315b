package dev.agentweave.mesh;

/**
 * The target cannot take calls now, for example because the node is draining or stopped. Code
 * {@link ErrorCode#UNAVAILABLE}.
 */
public final class UnavailableException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public UnavailableException(String message) {
    super(ErrorCode.UNAVAILABLE, message);
  }
}
