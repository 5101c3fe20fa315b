package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionPathTest {
  @TempDir Path dir;

  record Msg(String text) {}

  @Test
  void thousandConcurrentIdenticalMisses_causeExactlyOneEvaluation() throws Exception {
    Files.writeString(dir.resolve("p.cedar"), CedarPolicyEngineTest.STANDARD);
    try (CedarPolicyEngine cedar =
        new CedarPolicyEngine(dir.resolve("p.cedar"), null, Duration.ofSeconds(5))) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      PolicyEngineCompatibilityKit.CountingEngine slow =
          new PolicyEngineCompatibilityKit.CountingEngine(cedar) {
            @Override
            public CompletionStage<AuthzDecision> evaluate(
                SpiffeId caller, SpiffeId callee, String action) {
              evaluations.incrementAndGet();
              return gate.thenCompose(x -> cedar.evaluate(caller, callee, action));
            }
          };
      CachingAuthorizer a = PolicyEngineCompatibilityKit.caching(slow, Duration.ofSeconds(30));
      AuthzRequest q =
          new AuthzRequest(
              PolicyEngineCompatibilityKit.ORCHESTRATOR,
              PolicyEngineCompatibilityKit.SEARCH,
              "search",
              Direction.INBOUND);
      List<CompletableFuture<AuthzDecision>> all = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        all.add(a.authorize(q).toCompletableFuture());
      }
      gate.complete(null);
      for (CompletableFuture<AuthzDecision> f : all) {
        assertThat(f.get(20, TimeUnit.SECONDS).allowed()).isTrue();
      }
      assertThat(slow.evaluations.get()).isEqualTo(1);
      assertThat(a.cache().stats().misses()).isEqualTo(1);
      assertThat(a.cache().stats().hits()).isEqualTo(999);
    }
  }

  @Test
  void nodeWithCedar_deniesBeforeTheHandler_andAuditsEveryDecisionOnceUnderLoad() throws Exception {
    Files.writeString(dir.resolve("p.cedar"), CedarPolicyEngineTest.STANDARD);
    Path audit = dir.resolve("audit/audit.log");
    MeshSettings settings =
        MeshSettings.parse(
            "t",
            """
            agent: {name: search, trust_domain: test.local, environment: production}
            authorization:
              provider: cedar
              cedar: {policy_file: "%s"}
              audit: {destination: "%s"}
            """
                .formatted(dir.resolve("p.cedar"), "file://" + audit),
            Map.of());
    AtomicInteger handled = new AtomicInteger();
    Agent search =
        Agent.of("search")
            .withCapability(
                Capability.of(
                    "search",
                    Msg.class,
                    Msg.class,
                    (c, r) -> {
                      handled.incrementAndGet();
                      return r;
                    }));
    MeshNode node =
        MeshNode.builder(settings)
            .agent(search)
            .agent(Agent.of("orchestrator"))
            .agent(Agent.of("mallory"))
            .start();
    int calls = 400;
    String deniedAs = null;
    try {
      AgentRef allowed = node.agent("orchestrator").ref("spiffe://test.local/agent/search");
      AgentRef denied = node.agent("mallory").ref("spiffe://test.local/agent/search");
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        all.add(allowed.ask("search", new Msg("q" + i), Msg.class).toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
      try {
        denied
            .ask("search", new Msg("x"), Msg.class)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        throw new AssertionError("mallory was allowed");
      } catch (ExecutionException e) {
        // The caller learns the decision's id, never the engine's reason or policy.
        assertThat(e.getCause())
            .isInstanceOf(PermissionDeniedException.class)
            .hasMessageStartingWith("permission denied: spiffe://test.local/agent/mallory")
            .hasMessageMatching(".*\\(decision [0-9a-f]{32}\\)")
            .message()
            .doesNotContain("forbidden")
            .doesNotContain("cedar:");
        String m = e.getCause().getMessage();
        deniedAs = m.substring(m.length() - 33, m.length() - 1);
      }
      assertThat(handled.get()).isEqualTo(calls);
    } finally {
      node.close();
    }
    // The node closed the audit log, which wrote everything queued: one line per decision
    // (outbound and inbound for each allowed call, outbound for the denied one).
    List<String> lines = Files.readAllLines(audit);
    assertThat(lines).hasSize(calls * 2 + 1);
    ObjectMapper json = new ObjectMapper();
    long hits = 0;
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("decision_id").asText()).isNotBlank();
      assertThat(n.get("policy_version").asText()).startsWith("cedar:");
      hits += n.get("cache_hit").asBoolean() ? 1 : 0;
    }
    assertThat(hits).isGreaterThanOrEqualTo(calls * 2 - 2);
    assertThat(lines.get(lines.size() - 1))
        .contains(
            "\"caller\":\"spiffe://test.local/agent/mallory\"",
            "\"allowed\":false",
            "\"decision_id\":\"" + deniedAs + "\"",
            "forbidden");
  }
}
