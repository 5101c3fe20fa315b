package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A bounded queue or concurrency limit was full: a capability's mailbox, its in-flight limit, or a
 * caller's per-destination concurrency limit. The call was not started; it is safe to retry after
 * {@link #retryAfter()}. Code {@link ErrorCode#OVERLOADED}.
 */
public final class OverloadedException extends MeshException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message which limit was full, with its value
   * @param retryAfter the suggested delay before retrying (sent as {@code Retry-After})
   */
  public OverloadedException(String message, Duration retryAfter) {
    super(ErrorCode.OVERLOADED, message);
    this.retryAfter = requireNonNull(retryAfter, "retryAfter");
  }

  /** The suggested delay before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
