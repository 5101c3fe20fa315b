package dev.agentweave.mesh;

/**
 * The one exception a capability handler throws (or fails its stage with) to refuse a request with
 * a message the caller may see, like "no document with id 42". The caller receives a {@link
 * HandlerRejectedException} carrying this message. Any other exception thrown by a handler is
 * logged on the callee's node and reaches the caller as an {@link InternalErrorException} without
 * details.
 */
public class CapabilityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the message shown to the caller; must not contain secrets
   */
  public CapabilityException(String message) {
    super(message);
  }
}
