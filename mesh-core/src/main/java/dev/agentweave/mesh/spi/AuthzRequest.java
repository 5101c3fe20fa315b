package dev.agentweave.mesh.spi;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;

/**
 * The question asked of an {@link Authorizer}: may {@code caller} call {@code action} on {@code
 * callee}? The caller is always an authenticated identity; payload contents are never part of the
 * question, which keeps decisions cacheable.
 *
 * @param caller the calling agent
 * @param callee the called agent
 * @param action the capability name
 * @param direction which enforcement point asks
 */
public record AuthzRequest(SpiffeId caller, SpiffeId callee, String action, Direction direction) {
  /** Validates the components. */
  public AuthzRequest {
    requireNonNull(caller, "caller");
    requireNonNull(callee, "callee");
    requireNonNull(action, "action");
    requireNonNull(direction, "direction");
  }
}
