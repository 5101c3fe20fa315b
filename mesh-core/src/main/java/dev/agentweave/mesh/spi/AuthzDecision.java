package dev.agentweave.mesh.spi;

import static java.util.Objects.requireNonNull;

/**
 * An authorization decision.
 *
 * @param allowed whether the call may proceed
 * @param reason why, in words an operator understands (never policy internals for the wire)
 * @param policyVersion the version of the policy that decided
 */
public record AuthzDecision(boolean allowed, String reason, String policyVersion) {
  /** Validates the components. */
  public AuthzDecision {
    requireNonNull(reason, "reason");
    requireNonNull(policyVersion, "policyVersion");
  }

  /**
   * An allow.
   *
   * @param reason why
   * @param policyVersion the deciding policy version
   * @return the decision
   */
  public static AuthzDecision allow(String reason, String policyVersion) {
    return new AuthzDecision(true, reason, policyVersion);
  }

  /**
   * A deny.
   *
   * @param reason why
   * @param policyVersion the deciding policy version
   * @return the decision
   */
  public static AuthzDecision deny(String reason, String policyVersion) {
    return new AuthzDecision(false, reason, policyVersion);
  }
}
