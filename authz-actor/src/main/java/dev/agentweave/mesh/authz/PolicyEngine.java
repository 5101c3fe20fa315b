package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.util.concurrent.CompletionStage;

/**
 * A policy decision point behind the decision cache: Cedar, OPA, OPA wasm. It answers one question,
 * may {@code caller} call {@code action} on {@code callee}, from the identities and the action only
 * (never a payload), which is what makes its answers cacheable. When its policy changes it bumps
 * {@link #policyVersion()} and tells listeners, and the cache drops what it knew. Implementations
 * are thread-safe.
 */
public interface PolicyEngine extends AutoCloseable {
  /**
   * Evaluates a question.
   *
   * @param caller the calling agent
   * @param callee the called agent
   * @param action the capability
   * @return the decision, carrying the policy version that made it
   */
  CompletionStage<AuthzDecision> evaluate(SpiffeId caller, SpiffeId callee, String action);

  /** The version of the policy now in force. */
  String policyVersion();

  /**
   * Registers a listener called after the policy changed.
   *
   * @param listener the listener; must not block
   */
  void onPolicyChange(Runnable listener);

  /** A short name: {@code cedar}, {@code opa}, {@code opa-wasm}. */
  String name();

  @Override
  default void close() {}
}
