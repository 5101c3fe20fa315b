package dev.agentweave.mesh;

/**
 * The stable error codes of the mesh. Every failed call carries exactly one of them, locally as a
 * {@link MeshException} subclass and on the wire as the {@code error.code} field of a JSON body
 * with the HTTP status given here. This enum is the one place where codes map to statuses, and it
 * holds every code a gateway answers with: the outcomes of calls, and the {@linkplain #isProtocol()
 * protocol refusals} with which a gateway turns away a request before any call exists (a body too
 * large, a media type it does not read, HTTP it does not accept). A caller sees a protocol refusal
 * as an {@link InvalidRequestException} carrying that code.
 */
public enum ErrorCode {
  /** The request was malformed: bad JSON, a wrong field type, an unmappable payload. */
  INVALID_REQUEST("invalid_request", 400),
  /** Protocol refusal: the request body is larger than the gateway reads. */
  PAYLOAD_TOO_LARGE("payload_too_large", 413, true),
  /** Protocol refusal: a media type, charset or content coding the gateway does not read. */
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, true),
  /** Protocol refusal: the request URI is longer than the gateway reads. */
  URI_TOO_LONG("uri_too_long", 414, true),
  /** Protocol refusal: a header, or all of them, larger than the gateway reads. */
  HEADERS_TOO_LARGE("headers_too_large", 431, true),
  /** Protocol refusal: an HTTP method the gateway does not know. */
  METHOD_NOT_SUPPORTED("method_not_supported", 501, true),
  /** Protocol refusal: an HTTP version other than 1.0 or 1.1. */
  HTTP_VERSION_NOT_SUPPORTED("http_version_not_supported", 505, true),
  /** Protocol refusal: an {@code Expect} header other than {@code 100-continue}. */
  EXPECTATION_FAILED("expectation_failed", 417, true),
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
  private final boolean protocol;

  ErrorCode(String wireName, int httpStatus) {
    this(wireName, httpStatus, false);
  }

  ErrorCode(String wireName, int httpStatus, boolean protocol) {
    this.wireName = wireName;
    this.httpStatus = httpStatus;
    this.protocol = protocol;
  }

  /**
   * Whether this code is a gateway's refusal of a request before any call exists (never the outcome
   * of a handler); such a refusal is an {@link InvalidRequestException} with this code.
   *
   * @return true for the protocol refusals
   */
  public boolean isProtocol() {
    return protocol;
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
