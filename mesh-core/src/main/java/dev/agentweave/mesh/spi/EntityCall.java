package dev.agentweave.mesh.spi;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;

/**
 * One call to a keyed agent on its way to the entity of its key: the agent, the key, the
 * authenticated caller, the action, the request as JSON, the time left, the request ID and whether
 * the capability is idempotent. The node that took the call has authenticated the caller and
 * authorized it; the entity's node authorizes it again with this caller before the handler runs.
 *
 * @param agent the keyed agent
 * @param key the entity's key
 * @param caller the authenticated caller
 * @param action the capability
 * @param request the request as JSON
 * @param timeout the time left for the call
 * @param requestId the request ID
 * @param idempotent whether the capability is idempotent, so that the call may run again when it is
 *     not known whether its first run finished (its entity's node was lost)
 */
public record EntityCall(
    SpiffeId agent,
    String key,
    SpiffeId caller,
    String action,
    byte[] request,
    Duration timeout,
    String requestId,
    boolean idempotent) {
  /** Checks that no component is null. */
  public EntityCall {
    requireNonNull(agent, "agent");
    requireNonNull(key, "key");
    requireNonNull(caller, "caller");
    requireNonNull(action, "action");
    requireNonNull(request, "request");
    requireNonNull(timeout, "timeout");
    requireNonNull(requestId, "requestId");
  }

  /**
   * This call with another time left, as it is sent again later.
   *
   * @param value the time left
   * @return the copy
   */
  public EntityCall withTimeout(Duration value) {
    return new EntityCall(agent, key, caller, action, request, value, requestId, idempotent);
  }
}
