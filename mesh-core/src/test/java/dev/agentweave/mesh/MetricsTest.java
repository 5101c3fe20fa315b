package dev.agentweave.mesh;

import static dev.agentweave.mesh.TestSettings.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentweave.mesh.node.MeshNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
  record Q(String query) {}

  private static MeshNode node;

  @BeforeAll
  static void start() throws Exception {
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .agent(
                Agent.of("search")
                    .withCapability(
                        Capability.of(
                            "search",
                            Q.class,
                            Q.class,
                            (c, r) -> {
                              if (r.query().equals("bad")) {
                                throw new CapabilityException("bad query");
                              }
                              return r;
                            })))
            .start();
    AgentRef ref = node.agent("client").ref(id("search"));
    for (int i = 0; i < 5; i++) {
      ref.ask("search", new Q("q" + i), Q.class).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    ref.ask("search", Map.of("query", "map-payload"), Q.class)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    ref.ask("search", new Q("bad"), Q.class)
        .exceptionally(e -> null)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in scrape", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void scrape_hasTheGuidesRequestMeters_withCounts() {
    String s = node.metrics().scrape();
    assertThat(value(s, "requests_total{agent=\"search\"}")).isEqualTo(7.0);
    assertThat(value(s, "requests_by_capability_total{agent=\"search\",capability=\"search\"}"))
        .isEqualTo(7.0);
    assertThat(value(s, "requests_success_total{agent=\"search\"}")).isEqualTo(6.0);
    assertThat(value(s, "requests_error_total{agent=\"search\",error_type=\"rejected\"}"))
        .isEqualTo(1.0);
    assertThat(value(s, "request_duration_seconds_count{agent=\"search\",capability=\"search\"}"))
        .isEqualTo(7.0);
    assertThat(value(s, "request_payload_size_bytes_count{agent=\"search\",capability=\"search\"}"))
        .isEqualTo(1.0);
    assertThat(value(s, "authz_decisions_allowed_total{direction=\"outbound\"}")).isEqualTo(7.0);
    assertThat(value(s, "authz_decisions_allowed_total{direction=\"inbound\"}")).isEqualTo(7.0);
    assertThat(value(s, "authz_decisions_by_action_total{action=\"search\",result=\"allowed\"}"))
        .isEqualTo(14.0);
    assertThat(value(s, "authz_check_duration_seconds_count{direction=\"inbound\"}"))
        .isEqualTo(7.0);
    assertThat(s)
        .contains(
            "jvm_memory_used_bytes",
            "process_cpu_usage",
            "system_cpu_logical",
            "process_cpu_time_seconds_total",
            "jvm_threads_live_threads");
  }

  @Test
  void scrape_everyMetricFamilyHasHelpText() {
    String s = node.metrics().scrape();
    List<String> families = new ArrayList<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(s);
    while (type.find()) {
      families.add(type.group(1));
    }
    assertThat(families).hasSizeGreaterThan(20);
    for (String f : families) {
      assertThat(s)
          .as("help text of %s", f)
          .containsPattern("(?m)^# HELP " + Pattern.quote(f) + " \\S");
    }
  }

  @Test
  void scrape_passesPromtool(@TempDir Path dir) throws Exception {
    String promtool = findPromtool();
    if (System.getenv("CI") == null) {
      assumeTrue(
          promtool != null, "promtool not installed (apt-get install prometheus); CI installs it");
    }
    assertThat(promtool).as("promtool on PATH (CI installs the prometheus package)").isNotNull();
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, node.metrics().scrape(), StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(promtool, "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool output:%n%s", out).isZero();
  }

  static String findPromtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "promtool");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  @Test
  void facade_recordsUserMeters_andValidatesNamesAndTags() throws Exception {
    Metrics m = node.metrics();
    Counter c = m.counter("search.cache.hits", "Hits of the search cache", "tier", "memory");
    c.increment(3);
    Timer t = m.timer("search.database.query", "Time spent querying the index");
    assertThat(m.measureTime(t, () -> 42)).isEqualTo(42);
    m.measureTimeAsync(t, () -> CompletableFuture.completedFuture("x")).toCompletableFuture().get();
    m.histogram("search.result.count", "Results per query").record(7);
    m.gauge("search.index.size", "Documents in the index", () -> 1234);
    String s = m.scrape();
    assertThat(value(s, "search_cache_hits_total{tier=\"memory\"}")).isEqualTo(3.0);
    assertThat(value(s, "search_database_query_seconds_count")).isEqualTo(2.0);
    assertThat(value(s, "search_result_count_count")).isEqualTo(1.0);
    assertThat(value(s, "search_index_size")).isEqualTo(1234.0);
    assertThatThrownBy(() -> m.counter("Bad Name", "x")).hasMessageContaining("lowercase dotted");
    assertThatThrownBy(() -> m.counter("ok.name", " "))
        .hasMessageContaining("description is blank");
    assertThatThrownBy(() -> m.counter("ok.name", "d", "odd")).hasMessageContaining("even number");
  }
}
