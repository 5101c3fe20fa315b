package dev.agentweave.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshSettingsTest {
  private static final String MINIMAL =
      """
      agent:
        name: search
        trust_domain: example.org
      """;

  private static MeshSettings parse(String yaml) {
    return MeshSettings.parse("config.yaml", yaml, Map.of());
  }

  private static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
    try {
      MeshSettings.parse("config.yaml", yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private static List<ConfigProblem> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  @Test
  void parse_fillsDocumentedDefaults_whenOnlyRequiredKeysGiven() {
    MeshSettings s = parse(MINIMAL);
    assertThat(s.agent().environment()).isEqualTo(MeshSettings.Environment.PRODUCTION);
    assertThat(s.transport().concurrencyLimit().maxInFlight()).isEqualTo(512);
    assertThat(s.transport().concurrencyLimit().maxQueued()).isEqualTo(4096);
    assertThat(s.transport().circuitBreaker().failureThreshold()).isEqualTo(5);
    assertThat(s.transport().circuitBreaker().recoveryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.authorization().cache().ttl()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.authorization().cache().maxSize()).isEqualTo(10_000);
    assertThat(s.authorization().defaultAction()).isEqualTo(MeshSettings.DefaultAction.DENY);
    assertThat(s.transport().tlsMinVersion()).isEqualTo("1.3");
    assertThat(s.server().gracefulShutdown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.server().enabled()).isTrue();
    // server.host is mesh-http's key; without that module the scrape port binds every address.
    assertThat(s.observability().metrics().host()).isEqualTo("0.0.0.0");
    assertThat(s.transport().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void parse_reportsMissingRequiredKeys_withPathAndExpectation() {
    List<ConfigProblem> p = problems("agent: {}\n");
    assertThat(p)
        .extracting(ConfigProblem::path)
        .containsExactly("agent.name", "agent.trust_domain");
    assertThat(p.get(0).toString())
        .isEqualTo(
            "agent.name: missing (expected: a name matching ^[a-z][a-z0-9-]*$, at most 63 characters)");
  }

  @Test
  void parse_reportsEveryProblem_notJustTheFirst() {
    List<ConfigProblem> p =
        problems(
            MINIMAL
                + """
                observability:
                  metrics:
                    port: 70000
                transport:
                  concurrency_limit:
                    max_in_flight: 0
                  peer_verification: none
                """);
    assertThat(p)
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "observability.metrics.port",
            "transport.concurrency_limit.max_in_flight",
            "transport.peer_verification");
    assertThat(p)
        .filteredOn(x -> x.path().equals("observability.metrics.port"))
        .first()
        .hasToString(
            "observability.metrics.port: 70000 (expected: an integer in 0..65535 (0: no plain"
                + " scrape port))");
  }

  @Test
  void parse_rejectsWrongTypes_namingTheValue() {
    List<ConfigProblem> p = problems(MINIMAL + "server:\n  blocking_pool_size: \"8\"\n");
    assertThat(p)
        .singleElement()
        .hasToString("server.blocking_pool_size: \"8\" (expected: an integer in 1..4096)");
    p = problems(MINIMAL + "authorization:\n  cache:\n    enabled: yes-please\n");
    assertThat(p).singleElement().extracting(ConfigProblem::expected).isEqualTo("true or false");
    p = problems(MINIMAL + "transport: 5\n");
    assertThat(p)
        .singleElement()
        .extracting(ConfigProblem::expected)
        .isEqualTo("a mapping of keys");
  }

  @Test
  void parse_rejectsUnknownKeys_withDidYouMean() {
    List<ConfigProblem> p =
        problems(MINIMAL + "transport:\n  concurrency_limit:\n    max_in_fligt: 10\n");
    assertThat(p)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.path()).isEqualTo("transport.concurrency_limit.max_in_fligt");
              assertThat(x.expected()).contains("did you mean 'max_in_flight'?");
            });
    p = problems(MINIMAL + "zzz: 1\n");
    assertThat(p)
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("known keys here: agent, identity");
  }

  @Test
  void parse_reportsMalformedYaml_withLine() {
    List<ConfigProblem> p = problems("agent:\n  name: [unclosed\n");
    assertThat(p)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.path()).isEqualTo("(document)");
              assertThat(x.value()).contains("malformed YAML at line");
            });
    assertThat(problems("- just\n- a list\n"))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .isEqualTo("a YAML mapping at the top level");
  }

  @Test
  void parse_rejectsBadEnumsAndPatterns() {
    assertThat(problems(MINIMAL.replace("example.org", "Example.ORG")))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("agent.trust_domain");
    assertThat(problems(MINIMAL + "authorization:\n  provider: xacml\n"))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("allow-list, allow-all");
    assertThat(problems(MINIMAL + "identity:\n  provider: vault\n"))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .isEqualTo("one of dev-ca, files, spiffe");
    assertThat(
            problems(
                MINIMAL
                    + "authorization:\n  allow:\n    - caller: example.org\n      callee: spiffe://example.org/agent/x\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("authorization.allow[0].caller");
  }

  @Test
  void parse_acceptsTlsVersionWrittenAsNumber() {
    assertThat(parse(MINIMAL + "transport:\n  tls_min_version: 1.2\n").transport().tlsMinVersion())
        .isEqualTo("1.2");
    assertThat(problems(MINIMAL + "transport:\n  tls_min_version: 1.1\n"))
        .singleElement()
        .hasToString("transport.tls_min_version: 1.1 (expected: one of 1.2, 1.3)");
  }

  @Test
  void environment_overridesKeys_includingKeysWithUnderscores() {
    MeshSettings s =
        MeshSettings.parse(
            "config.yaml",
            MINIMAL,
            Map.of(
                "AGENTWEAVE_SERVER_BLOCKING_POOL_SIZE", "8",
                "AGENTWEAVE_TRANSPORT_CONCURRENCY_LIMIT_MAX_IN_FLIGHT", "250",
                "AGENTWEAVE_AUTHORIZATION_CACHE_TTL_SECONDS", "60",
                "AGENTWEAVE_AUTHORIZATION_CACHE_DENY_TTL_SECONDS", "5",
                "AGENTWEAVE_SERVER_AGENTS", "search, billing",
                "AGENTWEAVE_AGENT_ENVIRONMENT", "development",
                "PATH", "/usr/bin"));
    assertThat(s.server().blockingPoolSize()).isEqualTo(8);
    assertThat(s.transport().concurrencyLimit().maxInFlight()).isEqualTo(250);
    assertThat(s.authorization().cache().ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.authorization().cache().denyTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.server().agents()).containsExactly("search", "billing");
    assertThat(s.agent().environment()).isEqualTo(MeshSettings.Environment.DEVELOPMENT);
  }

  @Test
  void environment_badValue_namesTheVariable() {
    List<ConfigProblem> p =
        problems(MINIMAL, Map.of("AGENTWEAVE_SERVER_BLOCKING_POOL_SIZE", "eighty"));
    assertThat(p)
        .singleElement()
        .hasToString(
            "server.blocking_pool_size: \"eighty\" (from AGENTWEAVE_SERVER_BLOCKING_POOL_SIZE)"
                + " (expected: an integer in 1..4096)");
  }

  @Test
  void environment_unknownVariable_isRejectedWithHint() {
    List<ConfigProblem> p =
        problems(MINIMAL, Map.of("AGENTWEAVE_AUTHORIZATION_CACHE_TTL_SECOND", "1"));
    assertThat(p)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.path()).isEqualTo("AGENTWEAVE_AUTHORIZATION_CACHE_TTL_SECOND");
              assertThat(x.expected())
                  .contains("did you mean AGENTWEAVE_AUTHORIZATION_CACHE_TTL_SECONDS?");
            });
    assertThat(parse(MINIMAL).transport().timeout()).isEqualTo(Duration.ofSeconds(30));
    MeshSettings.parse("x", MINIMAL, Map.of("AGENTWEAVE_CONFIG", "/etc/x.yaml"));
  }

  @Test
  void environmentNames_areUniqueAndCoverEveryLeafOutsideLists() {
    Map<String, String> names = ConfigSchema.environmentNames();
    long leavesOutsideLists =
        ConfigSchema.leaves().keySet().stream().filter(k -> !k.contains("[]")).count();
    assertThat(names).hasSize((int) leavesOutsideLists);
    assertThat(names)
        .containsEntry(
            "AGENTWEAVE_TRANSPORT_CONCURRENCY_LIMIT_MAX_IN_FLIGHT",
            "transport.concurrency_limit.max_in_flight");
  }

  @Test
  void production_refusesAllowAll() {
    assertThat(problems(MINIMAL + "authorization:\n  provider: allow-all\n"))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.path()).isEqualTo("authorization.provider");
              assertThat(x.expected()).contains("required when agent.environment is production");
            });
  }

  @Test
  void production_refusesLogOnlyDefaultAction() {
    assertThat(problems(MINIMAL + "authorization:\n  default_action: log-only\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("authorization.default_action");
  }

  @Test
  void production_refusesLaxPeerVerification() {
    assertThat(problems(MINIMAL + "transport:\n  peer_verification: log-only\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("transport.peer_verification");
  }

  @Test
  void production_refusesDisabledAudit() {
    assertThat(problems(MINIMAL + "authorization:\n  audit:\n    enabled: false\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("authorization.audit.enabled");
  }

  @Test
  void production_refusesDevCa() {
    assertThat(problems(MINIMAL + "identity:\n  provider: dev-ca\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("identity.provider");
  }

  @Test
  void development_acceptsWhatProductionRefuses() {
    MeshSettings s =
        parse(
            MINIMAL
                + """
                  environment: development
                identity:
                  provider: dev-ca
                authorization:
                  provider: allow-all
                  default_action: log-only
                  audit:
                    enabled: false
                transport:
                  peer_verification: log-only
                """);
    assertThat(s.isProduction()).isFalse();
    assertThat(s.authorization().provider()).isEqualTo("allow-all");
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void keysUsedOnlyByLaterParts_areAcceptedWithAWarning() {
    MeshSettings s =
        parse(
            MINIMAL
                + "server:\n  blocking_pool_size: 8\n  graceful_shutdown_seconds: 3\n"
                + "observability:\n  logging: {format: json}\n");
    assertThat(s.server().gracefulShutdown()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.warnings())
        .singleElement()
        .asString()
        .startsWith("observability.logging.format: validated, and used once structured JSON");
  }

  @Test
  void aSectionOfAModuleNotOnTheClassPath_isNamedWithItsModule() {
    // mesh-core's tests run without mesh-cluster, whose section cluster is, and without
    // mesh-http.
    assertThat(problems(MINIMAL + "cluster: {enabled: true}\n"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("cluster");
              assertThat(p.expected())
                  .contains("dev.agentweave:mesh-cluster")
                  .contains("not on the class path");
            });
    assertThat(problems(MINIMAL, Map.of("AGENTWEAVE_CLUSTER_ENABLED", "true")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("AGENTWEAVE_CLUSTER_ENABLED");
              assertThat(p.expected()).contains("dev.agentweave:mesh-cluster");
            });
    // server is shared: the node's own keys are known, the gateway's are mesh-http's.
    assertThat(problems(MINIMAL + "server: {graceful_shutdown_seconds: 1, port: 8443}\n"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("server.port");
              assertThat(p.expected())
                  .contains("dev.agentweave:mesh-http")
                  .contains("not on the class path");
            });
    assertThat(problems(MINIMAL + "transport: {connection_pool: {max_connections: 4}}\n"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("transport.connection_pool");
              assertThat(p.expected()).contains("dev.agentweave:mesh-http");
            });
    // A variable of a shared section names the module and the node's closest key.
    assertThat(
            problems(MINIMAL, Map.of("AGENTWEAVE_TRANSPORT_CONCURRENCY_LIMIT_MAX_IN_FLIGT", "8")))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("dev.agentweave:mesh-http")
        .contains("or did you mean AGENTWEAVE_TRANSPORT_CONCURRENCY_LIMIT_MAX_IN_FLIGHT?");
    assertThat(problems(MINIMAL, Map.of("AGENTWEAVE_SERVER_PORT", "8443")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("AGENTWEAVE_SERVER_PORT");
              assertThat(p.expected()).contains("dev.agentweave:mesh-http");
            });
    assertThat(problems(MINIMAL + "clustr: {}\n"))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("no such key");
    assertThatThrownBy(() -> parse(MINIMAL).section(Duration.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("java.time.Duration");
  }

  @Test
  void capabilities_readOverridesAndRejectDuplicates() {
    MeshSettings s =
        parse(
            MINIMAL
                + "  capabilities:\n    - name: search\n      timeout_seconds: 1.5\n      max_in_flight: 8\n");
    assertThat(s.agent().capabilities())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
              assertThat(c.maxInFlight()).isEqualTo(8);
              assertThat(c.mailboxCapacity()).isZero();
            });
    assertThat(problems(MINIMAL + "  capabilities:\n    - name: a\n    - name: a\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("agent.capabilities[1].name");
  }

  @Test
  void load_reportsMissingFile(@TempDir Path dir) {
    assertThatThrownBy(() -> MeshSettings.load(dir.resolve("nope.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected: an existing YAML file");
  }

  @Test
  void load_readsFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, MINIMAL);
    assertThat(MeshSettings.load(f, Map.of()).agent().name()).isEqualTo("search");
  }

  @Test
  void exceptionMessage_listsOneProblemPerLine() {
    assertThatThrownBy(() -> parse("agent: {}\n"))
        .hasMessageStartingWith("config.yaml: 2 configuration errors")
        .hasMessageContaining(System.lineSeparator() + "  agent.name: missing");
  }
}
