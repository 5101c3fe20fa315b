package dev.agentweave.mesh;

/**
 * The call was denied by authorization: policy, a required peer pattern or the trust domain. Code
 * {@link ErrorCode#PERMISSION_DENIED}.
 */
public final class PermissionDeniedException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public PermissionDeniedException(String message) {
    super(ErrorCode.PERMISSION_DENIED, message);
  }
}
