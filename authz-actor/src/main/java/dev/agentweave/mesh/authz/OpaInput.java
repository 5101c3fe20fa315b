package dev.agentweave.mesh.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;

/** AgentWeave's OPA input document and the reading of OPA results, shared by both OPA engines. */
final class OpaInput {
  static final ObjectMapper JSON = new ObjectMapper();

  private OpaInput() {}

  /**
   * The input document: caller and callee SPIFFE IDs and trust domains, the action, the agent names
   * in {@code context}, and {@code user} (the caller) for generic policies.
   */
  static ObjectNode of(SpiffeId caller, SpiffeId callee, String action) {
    ObjectNode input = JSON.createObjectNode();
    input.put("caller_spiffe_id", caller.toString());
    input.put("callee_spiffe_id", callee.toString());
    input.put("action", action);
    input.put("caller_trust_domain", caller.trustDomain());
    input.put("callee_trust_domain", callee.trustDomain());
    input.put("user", caller.toString());
    ObjectNode context = input.putObject("context");
    context.put("caller_name", caller.agentName());
    context.put("callee_name", callee.agentName());
    return input;
  }

  /**
   * A decision from an OPA result: {@code true}/{@code false}, or {@code {allow, reason,
   * policy_id}}; undefined means deny.
   *
   * @param result the result, or {@code null} when undefined
   * @param rule the policy path or entrypoint, for reasons
   * @param version the engine's policy version
   * @return the decision
   * @throws IllegalStateException if the result has another type
   */
  static AuthzDecision decision(JsonNode result, String rule, String version) {
    if (result == null || result.isNull() || result.isMissingNode()) {
      return AuthzDecision.deny(rule + " is undefined for this input (deny by default)", version);
    }
    if (result.isBoolean()) {
      return result.booleanValue()
          ? AuthzDecision.allow("allowed by " + rule, version)
          : AuthzDecision.deny("denied by " + rule, version);
    }
    if (result.isObject()) {
      boolean allow = result.path("allow").asBoolean(false);
      String reason =
          result.path("reason").asText(allow ? "allowed by " + rule : "denied by " + rule);
      String v =
          result.hasNonNull("policy_id") ? "opa:" + result.get("policy_id").asText() : version;
      return new AuthzDecision(allow, reason, v);
    }
    throw new IllegalStateException(
        "result of "
            + rule
            + " is "
            + result.getNodeType()
            + " (expected: a boolean or {allow, reason, policy_id})");
  }
}
