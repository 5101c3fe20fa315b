package dev.agentweave.mesh;

/**
 * The request could not be read: a payload that does not map to the capability's request type, or
 * malformed input on the wire. The message names the field. Code {@link ErrorCode#INVALID_REQUEST},
 * or the {@linkplain ErrorCode#isProtocol() protocol refusal} with which a gateway turned the
 * request away.
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

  /**
   * Creates the exception for a gateway's protocol refusal.
   *
   * @param code {@link ErrorCode#INVALID_REQUEST} or a code whose {@link ErrorCode#isProtocol()}
   * @param message what was refused and what was expected
   * @throws IllegalArgumentException for any other code
   */
  public InvalidRequestException(ErrorCode code, String message) {
    super(requestCode(code), message);
  }

  private static ErrorCode requestCode(ErrorCode code) {
    if (code != ErrorCode.INVALID_REQUEST && (code == null || !code.isProtocol())) {
      throw new IllegalArgumentException(
          "an invalid request has code invalid_request or a protocol refusal, not " + code);
    }
    return code;
  }
}
