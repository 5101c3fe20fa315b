package dev.agentweave.mesh;

/**
 * The stable error codes of the mesh. Every failed call carries exactly one of them, locally as a
 * {@link MeshException} subclass and on the wire as the {@code error.code} field of a JSON body
 * with the HTTP status given here. This enum is the one place where codes map to statuses.
 */
public enum ErrorCode {
  /** The request was malformed: bad JSON, a wrong field type, an unmappable payload. */
  INVALID_REQUEST("invalid_request", 400),
  /** Authorization denied the call (policy, peer pattern or trust domain). */
  PERMISSION_DENIED("permission_denied", 403),
  /** The agent or capability does not exist (reported only after authorization). */
  NOT_FOUND("not_found", 404),
  /** The capability's handler refused the request with a {@link CapabilityException}. */
  REJECTED("rejected", 422),
  /** A bounded queue or concurrency limit is full; retry after the advertised delay. */
  OVERLOADED("overloaded", 503),
  /** The target cannot take calls now (node draining or stopped, no route). */
  UNAVAILABLE("unavailable", 503),
  /** The call's deadline passed before it completed. */
  DEADLINE_EXCEEDED("deadline_exceeded", 504),
  /** The handler failed unexpectedly; details stay in the callee's log. */
  INTERNAL("internal", 500);

  private final String wireName;
  private final int httpStatus;

  ErrorCode(String wireName, int httpStatus) {
    this.wireName = wireName;
    this.httpStatus = httpStatus;
  }

  /** The lowercase code used on the wire and as the {@code error_type} metric tag. */
  public String wireName() {
    return wireName;
  }

  /** The HTTP status the gateway answers for this code. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The code with the given wire name.
   *
   * @param wireName for example {@code "overloaded"}
   * @return the code, or empty for a name this version does not know
   */
  public static java.util.Optional<ErrorCode> ofWireName(String wireName) {
    for (ErrorCode c : values()) {
      if (c.wireName.equals(wireName)) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }
}
