package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

/**
 * The root of the small exception hierarchy with which calls fail. Every instance has a stable
 * {@link ErrorCode}. Instances are stackless: they describe an outcome of a call, not a bug in the
 * code that observes it, and a stack trace of a scheduler thread would only mislead.
 */
public abstract class MeshException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * Creates an exception with a code and a message.
   *
   * @param code the stable error code
   * @param message a message naming what failed and why
   */
  protected MeshException(ErrorCode code, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.code = requireNonNull(code, "code");
  }

  /** The stable code of this failure. */
  public ErrorCode code() {
    return code;
  }

  /**
   * An exception of the given code, as a caller on another node sees it: for transports that carry
   * failures as a code and a message.
   *
   * @param code the code
   * @param message the message
   * @param retryAfter for {@link ErrorCode#OVERLOADED} and {@link ErrorCode#UNAVAILABLE}, when to
   *     retry ({@code null}: one second); ignored otherwise
   * @return the exception
   */
  public static MeshException of(ErrorCode code, String message, java.time.Duration retryAfter) {
    requireNonNull(code, "code");
    java.time.Duration retry = retryAfter != null ? retryAfter : java.time.Duration.ofSeconds(1);
    if (code.isProtocol()) {
      return new InvalidRequestException(code, message);
    }
    return switch (code) {
      case INVALID_REQUEST -> new InvalidRequestException(message);
      case PERMISSION_DENIED -> new PermissionDeniedException(message);
      case NOT_FOUND -> new NotFoundException(message);
      case REJECTED -> new HandlerRejectedException(message);
      case OVERLOADED -> new OverloadedException(message, retry);
      case UNAVAILABLE -> new UnavailableException(message, retry);
      case DEADLINE_EXCEEDED -> new DeadlineExceededException(message);
      default -> new InternalErrorException(message);
    };
  }
}
