package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigReference;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.config.GatewaySettings;
import dev.agentweave.mesh.http.config.PooledClientSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The keys this module adds to the shared {@code server} (the gateway) and {@code transport} (the
 * pooled client) sections, validated with the node's keys.
 */
class GatewaySettingsTest {
  private static final String MINIMAL =
      """
      agent:
        name: search
        trust_domain: example.org
      """;

  private static MeshSettings parse(String yaml, Map<String, String> env) {
    return MeshSettings.parse("config.yaml", yaml, env);
  }

  private static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void defaults_andTheNodesKeysOfTheSameSection() {
    MeshSettings s = parse(MINIMAL, Map.of());
    GatewaySettings g = s.section(GatewaySettings.class);
    assertThat(g.host()).isEqualTo("0.0.0.0");
    assertThat(g.port()).isEqualTo(8443);
    assertThat(g.maxBodyBytes()).isEqualTo(10_485_760);
    assertThat(g.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(g.connections().idleTimeout()).isEqualTo(Duration.ofSeconds(75));
    assertThat(s.server().gracefulShutdown()).isEqualTo(Duration.ofSeconds(30));
    MeshSettings both =
        parse(
            MINIMAL
                + "server:\n  protocol: a2a\n  max_body_bytes: 2048\n  port: 9443\n"
                + "  host: 127.0.0.1\n  graceful_shutdown_seconds: 3\n",
            Map.of());
    assertThat(both.section(GatewaySettings.class).maxBodyBytes()).isEqualTo(2048);
    assertThat(both.section(GatewaySettings.class).port()).isEqualTo(9443);
    assertThat(both.server().gracefulShutdown()).isEqualTo(Duration.ofSeconds(3));
    // The plain scrape port binds where the gateway does unless told otherwise.
    assertThat(both.observability().metrics().host()).isEqualTo("127.0.0.1");
    assertThat(both.warnings()).isEmpty();
  }

  @Test
  void badValues_areReportedWithTheNodesProblems_namingKeyAndExpectation() {
    assertThat(
            problems(
                MINIMAL
                    + "server:\n  port: 70000\n  blocking_pool_size: 0\n"
                    + "transport:\n  peer_verification: none\n",
                Map.of()))
        .extracting(ConfigProblem::toString)
        .containsExactlyInAnyOrder(
            "server.port: 70000 (expected: an integer in 0..65535 (0 picks a free port))",
            "server.blocking_pool_size: 0 (expected: an integer in 1..4096)",
            "transport.peer_verification: \"none\" (expected: one of strict, log-only)");
    assertThat(problems(MINIMAL + "server:\n  port: \"8443\"\n", Map.of()))
        .singleElement()
        .hasToString(
            "server.port: \"8443\" (expected: an integer in 0..65535 (0 picks a free port))");
    assertThat(problems(MINIMAL + "server:\n  prot: 1\n", Map.of()))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("did you mean 'port'?");
  }

  @Test
  void environmentVariables_setTheGatewaysKeys_andNameThemselvesInProblems() {
    assertThat(
            parse(MINIMAL, Map.of("AGENTWEAVE_SERVER_PORT", "9443"))
                .section(GatewaySettings.class)
                .port())
        .isEqualTo(9443);
    assertThat(problems(MINIMAL, Map.of("AGENTWEAVE_SERVER_PORT", "eighty")))
        .singleElement()
        .hasToString(
            "server.port: \"eighty\" (from AGENTWEAVE_SERVER_PORT) (expected: an integer in"
                + " 0..65535 (0 picks a free port))");
    assertThat(problems(MINIMAL, Map.of("AGENTWEAVE_SERVER_PROT", "1")))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.path()).isEqualTo("AGENTWEAVE_SERVER_PROT");
              assertThat(x.expected()).contains("did you mean AGENTWEAVE_SERVER_PORT?");
            });
  }

  @Test
  void theReferenceListsTheGatewaysKeys_afterTheNodesOwnInTheSection() {
    List<String> paths = ConfigReference.keys().stream().map(ConfigReference.Key::path).toList();
    assertThat(paths)
        .containsSubsequence(
            "server.enabled",
            "server.graceful_shutdown_seconds",
            "server.agents",
            "server.host",
            "server.port",
            "server.advertised_host");
    assertThat(paths.indexOf("server.advertised_host"))
        .isLessThan(paths.indexOf("observability.metrics.enabled"));
  }

  @Test
  void thePooledClientsKeys_defaultsEnvironmentAndTheBackoffRule() {
    MeshSettings s = parse(MINIMAL, Map.of());
    PooledClientSettings.ConnectionPoolSettings pool =
        s.section(PooledClientSettings.class).connectionPool();
    assertThat(pool.maxConnections()).isEqualTo(100);
    assertThat(pool.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(pool.maxKeepalive()).isEqualTo(Duration.ofSeconds(300));
    assertThat(pool.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.section(PooledClientSettings.class).retry().maxAttempts()).isEqualTo(3);
    // The node's keys of the section stay the node's.
    assertThat(s.transport().circuitBreaker().enabled()).isTrue();
    assertThat(
            parse(MINIMAL, Map.of("AGENTWEAVE_TRANSPORT_CONNECTION_POOL_MAX_CONNECTIONS", "250"))
                .section(PooledClientSettings.class)
                .connectionPool()
                .maxConnections())
        .isEqualTo(250);
    assertThat(
            problems(
                MINIMAL
                    + "transport:\n  retry:\n    backoff_base_seconds: 5\n"
                    + "    backoff_max_seconds: 1\n",
                Map.of()))
        .singleElement()
        .hasToString(
            "transport.retry.backoff_max_seconds: 1.0 (expected: >="
                + " transport.retry.backoff_base_seconds (5.0))");
    assertThat(
            problems(
                MINIMAL + "transport:\n  connection_pool:\n    max_conections: 10\n", Map.of()))
        .singleElement()
        .hasToString(
            "transport.connection_pool.max_conections: 10 (expected: no such key; did you mean"
                + " 'max_connections'?)");
    assertThat(problems(MINIMAL + "transport:\n  retry: {max_attempts: 11}\n", Map.of()))
        .singleElement()
        .hasToString("transport.retry.max_attempts: 11 (expected: an integer in 1..10)");
  }
}
