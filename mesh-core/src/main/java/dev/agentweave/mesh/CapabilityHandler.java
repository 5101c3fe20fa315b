package dev.agentweave.mesh;

/**
 * A capability's handler that answers with a value. Non-blocking handlers run on the capability's
 * actor, one at a time, so they must not block; handlers of capabilities declared {@link
 * Capability#withBlocking(boolean) blocking} run on the node's blocking dispatcher, up to the
 * capability's in-flight limit at once.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface CapabilityHandler<Q, R> {
  /**
   * Handles one request.
   *
   * @param ctx the call's context: caller, request id, deadline, logger, onward refs
   * @param request the request, mapped to the capability's request type
   * @return the response
   * @throws Exception a {@link CapabilityException} to refuse with a message the caller sees; any
   *     other exception is logged here and reaches the caller as an internal error
   */
  R handle(CallContext ctx, Q request) throws Exception;
}
