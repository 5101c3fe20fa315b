package dev.agentweave.mesh;

import java.util.concurrent.CompletionStage;

/**
 * A capability's handler that answers with a {@link CompletionStage}, for handlers that call other
 * agents or do asynchronous I/O. The method itself runs on the capability's actor and must return
 * quickly; up to the capability's in-flight limit of stages may be pending at once.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface AsyncCapabilityHandler<Q, R> {
  /**
   * Starts handling one request.
   *
   * @param ctx the call's context
   * @param request the request, mapped to the capability's request type
   * @return the stage of the response; failing it with a {@link CapabilityException} refuses the
   *     request with that message, any other failure becomes an internal error
   * @throws Exception handled as a failed stage
   */
  CompletionStage<R> handle(CallContext ctx, Q request) throws Exception;
}
