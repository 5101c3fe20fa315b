package dev.agentweave.mesh;

/**
 * The handler of a {@link KeyedCapability}: it answers one call for one key with that key's state.
 * Calls of one key run one at a time, in the key's entity, so the state needs no locking; calls of
 * different keys run in parallel.
 *
 * @param <S> the state type of the keyed agent
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface KeyedHandler<S, Q, R> {
  /**
   * Handles one request.
   *
   * @param ctx the call's context: caller, request id, deadline, logger, onward refs
   * @param state the state of the request's key, as earlier calls of that key left it
   * @param request the request, mapped to the capability's request type
   * @return the response
   * @throws Exception a {@link CapabilityException} to refuse with a message the caller sees; any
   *     other exception is logged on the entity's node and reaches the caller as an internal error
   */
  R handle(CallContext ctx, S state, Q request) throws Exception;
}
