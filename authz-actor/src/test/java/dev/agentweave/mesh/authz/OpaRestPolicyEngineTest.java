package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.testkit.OpaDataApiStandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OPA REST engine against {@link OpaDataApiStandIn}, a stand-in for an OPA server that
 * implements the Data API contract (no OPA binary exists on our build machines).
 */
class OpaRestPolicyEngineTest extends PolicyEngineCompatibilityKit {
  private final List<OpaDataApiStandIn> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(OpaDataApiStandIn::close);
  }

  /** The STANDARD scenario written as the function a Rego policy would compute. */
  static JsonNode standard(JsonNode input) {
    String caller = input.path("caller_spiffe_id").asText();
    String callee = input.path("callee_spiffe_id").asText();
    String action = input.path("action").asText();
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("policy_id", "standard-v1");
    if (caller.equals("spiffe://test.local/agent/mallory")) {
      r.put("allow", false);
      r.put("reason", "mallory is forbidden");
    } else if (caller.equals("spiffe://test.local/agent/orchestrator")
        && callee.equals("spiffe://test.local/agent/search")
        && action.equals("search")) {
      r.put("allow", true);
      r.put("reason", "orchestrator may search");
    } else if (action.equals("process")
        && input
            .path("caller_trust_domain")
            .asText()
            .equals(input.path("callee_trust_domain").asText())) {
      r.put("allow", true);
      r.put("reason", "same trust domain may process");
    } else {
      r.put("allow", false);
      r.put("reason", "no rule allows it");
    }
    return r;
  }

  private OpaDataApiStandIn server(Function<JsonNode, JsonNode> policy) throws Exception {
    OpaDataApiStandIn s = OpaDataApiStandIn.start("agentweave/authz", policy);
    servers.add(s);
    return s;
  }

  private static OpaRestPolicyEngine engineFor(OpaDataApiStandIn s, int failureThreshold) {
    return new OpaRestPolicyEngine(
        s.endpoint(),
        "agentweave.authz",
        Duration.ofSeconds(2),
        failureThreshold,
        Duration.ofMinutes(5));
  }

  @Override
  PolicyEngine engine(Scenario scenario) throws Exception {
    return engineFor(
        server(scenario == Scenario.EMPTY ? input -> null : OpaRestPolicyEngineTest::standard), 5);
  }

  @Test
  void sendsAgentWeavesInputDocument_andReadsObjectResults() throws Exception {
    List<JsonNode> seen = new ArrayList<>();
    OpaDataApiStandIn s =
        server(
            input -> {
              seen.add(input);
              return standard(input);
            });
    AuthzDecision d = decide(engineFor(s, 5), ORCHESTRATOR, SEARCH, "search");
    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo("orchestrator may search");
    assertThat(d.policyVersion()).isEqualTo("opa:standard-v1");
    JsonNode input = seen.get(0);
    assertThat(input.path("caller_spiffe_id").asText()).isEqualTo(ORCHESTRATOR.toString());
    assertThat(input.path("callee_spiffe_id").asText()).isEqualTo(SEARCH.toString());
    assertThat(input.path("action").asText()).isEqualTo("search");
    assertThat(input.path("caller_trust_domain").asText()).isEqualTo("test.local");
    assertThat(input.path("context").path("callee_name").asText()).isEqualTo("search");
  }

  @Test
  void readsBooleanResults_andTreatsOtherResultTypesAsFailures() throws Exception {
    OpaDataApiStandIn yes = server(input -> BooleanNode.TRUE);
    assertThat(decide(engineFor(yes, 5), ORCHESTRATOR, SEARCH, "anything").allowed()).isTrue();
    OpaDataApiStandIn odd = server(input -> TextNode.valueOf("maybe"));
    CachingAuthorizer a = caching(engineFor(odd, 5), Duration.ofSeconds(2));
    AuthzDecision d = authorize(a, ORCHESTRATOR, SEARCH, "search");
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("opa failed").contains("fail closed");
  }

  @Test
  void serverErrors_denyFailClosed_andOpenTheCircuitAfterTheThreshold() throws Exception {
    OpaDataApiStandIn s = server(OpaRestPolicyEngineTest::standard);
    s.failWith(500);
    OpaRestPolicyEngine engine = engineFor(s, 3);
    CachingAuthorizer a = caching(engine, Duration.ofSeconds(2));
    for (int i = 0; i < 3; i++) {
      assertThat(authorize(a, ORCHESTRATOR, SEARCH, "search").allowed()).isFalse();
    }
    int before = s.requests();
    AuthzDecision d = authorize(a, ORCHESTRATOR, SEARCH, "search");
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("circuit open");
    assertThat(s.requests()).isEqualTo(before);
  }
}
