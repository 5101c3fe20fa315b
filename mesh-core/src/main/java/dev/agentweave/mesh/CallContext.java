package dev.agentweave.mesh;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * What a handler knows about the call it serves. The caller is the authenticated SPIFFE ID of the
 * calling agent, never a value from the payload. Refs obtained here call as this agent and inherit
 * the remaining deadline, so an onward call never outlives the call that made it. Valid for the
 * duration of the call; thread-safe.
 */
public interface CallContext {
  /** The calling agent's SPIFFE ID. */
  SpiffeId caller();

  /** This agent's SPIFFE ID. */
  SpiffeId self();

  /** The capability being called. */
  String action();

  /** The request id, shared by every log line and error of this call. */
  String requestId();

  /** The instant by which the call must complete. */
  Instant deadline();

  /**
   * The time left before the deadline.
   *
   * @return a non-negative duration
   */
  Duration remaining();

  /** A logger named after this agent and capability. */
  Logger logger();

  /** The node's metrics facade, for the handler's own meters. */
  Metrics metrics();

  /**
   * A ref to another agent that calls as this agent and inherits the remaining deadline.
   *
   * @param target the target agent's SPIFFE ID
   * @return the ref
   */
  AgentRef ref(SpiffeId target);

  /**
   * A ref to another agent that calls as this agent and inherits the remaining deadline.
   *
   * @param target the target agent's SPIFFE ID as a string
   * @return the ref
   * @throws IllegalArgumentException if the ID is not valid
   */
  AgentRef ref(String target);
}
