package dev.agentweave.mesh;

/**
 * The request could not be read: a payload that does not map to the capability's request type, or
 * malformed input on the wire. The message names the field. Code {@link ErrorCode#INVALID_REQUEST}.
 */
public final class InvalidRequestException extends MeshException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   */
  public InvalidRequestException(String message) {
    super(ErrorCode.INVALID_REQUEST, message);
  }
}
