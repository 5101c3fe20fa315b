package dev.agentweave.samples.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.samples.SearchAgent;
import dev.agentweave.samples.SearchAgent.SearchRequest;
import dev.agentweave.samples.SearchAgent.SearchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionCacheSamplesTest {
  @TempDir Path dir;

  @Test
  void hitRatio_invalidation_andClear_workOnARunningNode() throws Exception {
    Files.writeString(
        dir.resolve("p.cedar"),
        "permit(principal, action == Action::\"search\", resource == Agent::\"spiffe://example.org/agent/search\");\n");
    MeshSettings settings =
        MeshSettings.parse(
            "t",
            """
            agent: {name: search, trust_domain: example.org, environment: development}
            authorization:
              provider: cedar
              cedar: {policy_file: "%s"}
              audit: {enabled: false}
            """
                .formatted(dir.resolve("p.cedar")),
            Map.of());
    try (MeshNode node =
        MeshNode.builder(settings).agent(SearchAgent.create()).agent(Agent.of("app")).start()) {
      AgentRef search = node.agent("app").ref("spiffe://example.org/agent/search");
      for (int i = 0; i < 50; i++) {
        search
            .ask("search", new SearchRequest("pekko", 3), SearchResult.class)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
      }
      List<String> lines = new ArrayList<>();
      var stats = DecisionCacheSamples.logHitRatio(node, lines::add);
      assertThat(stats.misses()).isEqualTo(1);
      assertThat(stats.hits()).isEqualTo(99);
      assertThat(lines)
          .singleElement()
          .asString()
          .startsWith("Authorization cache hit ratio: 99.00%");

      assertThat(
              DecisionCacheSamples.invalidateAgent(
                  node, SpiffeId.parse("spiffe://example.org/agent/app")))
          .isEqualTo(1);
      assertThat(DecisionCacheSamples.logHitRatio(node, lines::add).size()).isZero();

      search
          .ask("search", new SearchRequest("tls", 3), SearchResult.class)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      DecisionCacheSamples.onPolicyUpdate(node, "v2", lines::add);
      assertThat(lines).last().isEqualTo("Cleared authorization cache due to policy update to v2");
      assertThat(DecisionCacheSamples.logHitRatio(node, lines::add).size()).isZero();
    }
  }
}
