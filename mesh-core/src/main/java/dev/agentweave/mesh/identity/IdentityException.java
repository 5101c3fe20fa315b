package dev.agentweave.mesh.identity;

/**
 * An identity could not be obtained or used: a missing or unreadable certificate or key, a CA that
 * cannot be created, an identity the source does not hold, an unreachable Workload API. The message
 * names the file, identity or endpoint and what was expected.
 */
public final class IdentityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and what was expected
   */
  public IdentityException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what failed and what was expected
   * @param cause the underlying failure
   */
  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
