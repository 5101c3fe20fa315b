package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CedarPolicyEngineTest extends PolicyEngineCompatibilityKit {
  static final String STANDARD =
      """
      // The orchestrator may search.
      permit(
        principal == Agent::"spiffe://test.local/agent/orchestrator",
        action == Action::"search",
        resource == Agent::"spiffe://test.local/agent/search");

      // Any agent may call "process" on agents of its own trust domain.
      permit(principal, action == Action::"process", resource)
      when { context.caller_trust_domain == context.callee_trust_domain };

      // Mallory may call nothing.
      forbid(principal == Agent::"spiffe://test.local/agent/mallory", action, resource);
      """;

  @TempDir Path dir;

  @Override
  PolicyEngine engine(Scenario scenario) throws Exception {
    Path file = dir.resolve("policy-" + scenario + ".cedar");
    Files.writeString(file, scenario == Scenario.EMPTY ? "" : STANDARD);
    return new CedarPolicyEngine(file, null, Duration.ofMillis(100));
  }

  @Test
  void reasons_nameThePolicies() throws Exception {
    try (PolicyEngine e = engine(Scenario.STANDARD)) {
      assertThat(decide(e, ORCHESTRATOR, SEARCH, "search").reason())
          .startsWith("permitted by policy");
      assertThat(decide(e, MALLORY, SEARCH, "process").reason()).startsWith("forbidden by policy");
      assertThat(decide(e, PARTNER, SEARCH, "search").reason())
          .isEqualTo("no permit policy matches (deny by default)");
    }
  }

  @Test
  void invalidPolicy_isRefusedAtLoad_pointingAtTheLine() throws Exception {
    Path file = dir.resolve("bad.cedar");
    Files.writeString(
        file, "permit(principal, action, resource);\n\npermit(principal action, resource);\n");
    assertThatThrownBy(() -> new CedarPolicyEngine(file, null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("line 3");
  }

  @Test
  void reload_bumpsTheVersion_clearsTheCache_andKeepsTheOldPolicyWhenTheNewOneIsBroken()
      throws Exception {
    Path file = dir.resolve("live.cedar");
    Files.writeString(file, "");
    try (CedarPolicyEngine e = new CedarPolicyEngine(file, null, Duration.ofMillis(100))) {
      CachingAuthorizer a = caching(e, Duration.ofSeconds(5));
      String v1 = e.policyVersion();
      assertThat(authorize(a, ORCHESTRATOR, SEARCH, "search").allowed()).isFalse();
      AtomicInteger changes = new AtomicInteger();
      e.onPolicyChange(changes::incrementAndGet);
      Files.writeString(file, STANDARD);
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
      assertThat(e.policyVersion()).isNotEqualTo(v1);
      assertThat(authorize(a, ORCHESTRATOR, SEARCH, "search").allowed()).isTrue();
      String v2 = e.policyVersion();
      Files.writeString(file, "permit(oops");
      await()
          .pollDelay(Duration.ofMillis(50))
          .atMost(Duration.ofSeconds(10))
          .until(() -> !Files.readString(file).isEmpty());
      assertThat(decide(e, ORCHESTRATOR, SEARCH, "search").allowed()).isTrue();
      assertThat(e.policyVersion()).isEqualTo(v2);
    }
  }
}
