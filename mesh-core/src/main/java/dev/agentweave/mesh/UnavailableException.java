package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The target cannot take calls now, for example because the node is draining or stopped. Code
 * {@link ErrorCode#UNAVAILABLE}.
 */
public final class UnavailableException extends MeshException {
  private static final long serialVersionUID = 1L;

  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final Duration retryAfter;

  /**
   * Creates the exception, suggesting a retry after one second.
   *
   * @param message what failed and why
   */
  public UnavailableException(String message) {
    this(message, DEFAULT_RETRY_AFTER);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   * @param retryAfter the suggested delay before retrying (sent as {@code Retry-After})
   */
  public UnavailableException(String message, Duration retryAfter) {
    super(ErrorCode.UNAVAILABLE, message);
    this.retryAfter = requireNonNull(retryAfter, "retryAfter");
  }

  /** The suggested delay before retrying, elsewhere or later. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
