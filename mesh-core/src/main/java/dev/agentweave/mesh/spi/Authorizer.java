package dev.agentweave.mesh.spi;

import java.util.concurrent.CompletionStage;

/**
 * A policy decision point. The node asks it twice per call: outbound on the caller's node before
 * the call leaves, and inbound on the callee's node before the handler runs. A denied call never
 * reaches the handler. An authorizer that fails, or whose stage fails, causes a deny (fail closed)
 * counted in {@code authz.check.errors}.
 *
 * <p>Implementations must be thread-safe and should return an already completed stage when they can
 * decide at once: the node then continues on the calling thread without a hop.
 */
public interface Authorizer extends AutoCloseable {
  /**
   * Decides one request.
   *
   * @param request the question
   * @return the decision
   */
  CompletionStage<AuthzDecision> authorize(AuthzRequest request);

  /** A short name for logs and metrics, for example {@code allow-list}. */
  String name();

  /** Releases resources; called when the node stops. */
  @Override
  default void close() {}
}
