package dev.agentweave.mesh;

/** The agent or capability named in a call does not exist. Code {@link ErrorCode#NOT_FOUND}. */
public final class NotFoundException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public NotFoundException(String message) {
    super(ErrorCode.NOT_FOUND, message);
  }
}
