package dev.agentweave.mesh.spi;

import static java.util.Objects.requireNonNull;

/**
 * An authorization decision. Its reason and policy version are for the operator: the node writes
 * them to its log (and an auditing authorizer to its audit log); a denied caller learns only that
 * permission was denied, and the decision id under which the operator finds why.
 *
 * @param allowed whether the call may proceed
 * @param reason why, in words an operator understands (never sent to the caller)
 * @param policyVersion the version of the policy that decided
 * @param decisionId the id of this decision's audit record, or empty when the authorizer keeps none
 *     (the node then makes one for its log)
 */
public record AuthzDecision(
    boolean allowed, String reason, String policyVersion, String decisionId) {
  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  /** Validates the components. */
  public AuthzDecision {
    requireNonNull(reason, "reason");
    requireNonNull(policyVersion, "policyVersion");
    requireNonNull(decisionId, "decisionId");
  }

  /**
   * A decision without an audit record id.
   *
   * @param allowed whether the call may proceed
   * @param reason why
   * @param policyVersion the deciding policy version
   */
  public AuthzDecision(boolean allowed, String reason, String policyVersion) {
    this(allowed, reason, policyVersion, "");
  }

  /**
   * This decision under the id of its audit record.
   *
   * @param id the record's id
   * @return the decision with that id
   */
  public AuthzDecision withDecisionId(String id) {
    return new AuthzDecision(allowed, reason, policyVersion, id);
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

  /**
   * A decision id as audit records and denial messages show it: the 128 bits as 32 lowercase hex
   * digits.
   *
   * @param high the high 64 bits
   * @param low the low 64 bits
   * @return the id
   */
  public static String decisionId(long high, long low) {
    return HEX.toHexDigits(high) + HEX.toHexDigits(low);
  }
}
