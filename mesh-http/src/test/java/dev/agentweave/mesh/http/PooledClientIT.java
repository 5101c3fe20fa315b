package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pooled client's behaviour between nodes on loopback: pool statistics under load, bounded
 * waiting, idle timeout and connection lifetime, retries only when safe, the circuit breaker's
 * recovery, and a deadline across three hops.
 */
class PooledClientIT {
  static final String ALLOW_ALL_OF_TEST_LOCAL =
      """
      authorization:
        provider: allow-list
        allow:
          - {caller: "spiffe://test.local/agent/*", callee: "spiffe://test.local/agent/*", actions: ["*"]}
      """;

  Path dir;
  final List<AutoCloseable> toClose = new ArrayList<>();
  volatile CompletableFuture<String> gate = new CompletableFuture<>();
  final AtomicInteger failures = new AtomicInteger();
  final AtomicInteger flakyRuns = new AtomicInteger();
  final AtomicReference<Duration> remainingAtRelay = new AtomicReference<>();
  final AtomicReference<Duration> remainingAtEnd = new AtomicReference<>();

  record Node(MeshNode node, IdentitySource ids, Gateway gateway, GatewayClient client) {}

  @BeforeEach
  void dir() throws Exception {
    dir = Files.createTempDirectory("agentweave-pooled-client-it");
  }

  @AfterEach
  void stop() throws Exception {
    gate.complete("done");
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  Node node(String name, Agent agent, String yaml, boolean serve, boolean call) {
    MeshSettings settings =
        MeshSettings.parse(
            name,
            """
            agent: {name: %s, trust_domain: test.local, environment: development}
            identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
            %s
            %s
            %s
            """
                .formatted(
                    name,
                    dir.resolve("ca"),
                    yaml.contains("server:")
                        ? ""
                        : serve ? "server: {host: 127.0.0.1, port: 0}" : "server: {enabled: false}",
                    ALLOW_ALL_OF_TEST_LOCAL,
                    yaml),
            Map.of());
    IdentitySource ids = IdentitySources.fromSettings(settings);
    MeshNode node = MeshNode.builder(settings).agent(agent).identities(ids).start();
    toClose.add(ids);
    toClose.add(node);
    Gateway gateway = serve ? node.component(Gateway.class).orElseThrow() : null;
    GatewayClient client = call ? node.component(GatewayClient.class).orElseThrow() : null;
    return new Node(node, ids, gateway, client);
  }

  Agent backend() {
    return Agent.of("backend")
        .withCapability(Capability.ofAsync("park", Map.class, String.class, (ctx, q) -> gate))
        .withCapability(Capability.of("echo", Map.class, Map.class, (ctx, q) -> q))
        .withCapability(
            Capability.of(
                    "flaky",
                    Map.class,
                    Map.class,
                    (ctx, q) -> {
                      if (flakyRuns.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("transient");
                      }
                      return Map.of("run", flakyRuns.get());
                    })
                .withIdempotent(true))
        .withCapability(
            Capability.of(
                "fail",
                Map.class,
                Map.class,
                (ctx, q) -> {
                  failures.incrementAndGet();
                  throw new IllegalStateException("broken");
                }));
  }

  static String peers(String agent, String url) {
    return "  peers:\n    - {spiffe_id: \"spiffe://test.local/agent/"
        + agent
        + "\", urls: [\""
        + url
        + "\"]}\n";
  }

  static AgentRef ref(Node from, String agent) {
    return from.node()
        .agent(from.node().settings().agent().name())
        .ref("spiffe://test.local/agent/" + agent);
  }

  @Test
  void underLoad_utilizationRises_waitingIsBounded_andTheRestIsRefused() throws Exception {
    Node backend = node("backend", backend(), "", true, false);
    Node caller =
        node(
            "caller",
            Agent.of("caller"),
            "transport:\n"
                + "  connection_pool: {max_connections: 2, max_waiting_requests: 2,"
                + " wait_timeout_seconds: 30}\n"
                + peers("backend", backend.gateway().url().toString()),
            false,
            true);
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(ref(caller, "backend").ask("park", Map.of(), String.class).toCompletableFuture());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> caller.client().poolStats().active() == 2);
    GatewayClient.PoolStats stats = caller.client().poolStats();
    assertThat(stats.active()).isEqualTo(2);
    assertThat(stats.waiting()).isEqualTo(2);
    assertThat(stats.utilization()).isEqualTo(1.0);
    assertThat(stats.total()).isEqualTo(2);
    assertThat(stats.idle()).isZero();
    String scrape = caller.node().metrics().scrape();
    assertThat(scrape).contains("connection_pool_utilization 1.0");
    assertThat(scrape)
        .contains(
            "connection_pool_destination_waiting{destination=\""
                + backend.gateway().url()
                + "\"} 2.0");

    Throwable refused =
        Failures.of(ref(caller, "backend").ask("echo", Map.of(), Map.class).toCompletableFuture());
    assertThat(refused)
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("max_waiting_requests");

    gate.complete("released");
    for (CompletableFuture<String> c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("released");
    }
    assertThat(caller.client().poolStats().active()).isZero();
    assertThat(caller.client().poolStats().waiting()).isZero();
  }

  @Test
  void idleConnections_closeAfterTheIdleTimeout() throws Exception {
    Node backend = node("backend", backend(), "", true, false);
    Node caller =
        node(
            "caller",
            Agent.of("caller"),
            "transport:\n  connection_pool: {idle_timeout_seconds: 1}\n"
                + peers("backend", backend.gateway().url().toString()),
            false,
            true);
    ref(caller, "backend")
        .ask("echo", Map.of("a", 1), Map.class)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertThat(caller.client().poolStats().total()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> caller.client().poolStats().total() == 0);
  }

  @Test
  void connectionsAreReplaced_whenTheyReachTheirLifetime() {
    Node backend = node("backend", backend(), "", true, false);
    Node caller =
        node(
            "caller",
            Agent.of("caller"),
            "transport:\n  connection_pool: {max_connections: 1, max_keepalive_seconds: 1}\n"
                + peers("backend", backend.gateway().url().toString()),
            false,
            true);
    // Calls one after another keep the connection busy, so only its lifetime can end it.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              ref(caller, "backend")
                  .ask("echo", Map.of(), Map.class)
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
              return caller.client().connectionsOpened() >= 2;
            });
    assertThat(caller.client().poolStats().total()).isLessThanOrEqualTo(1);
  }

  @Test
  void aFailureAfterTheRequestWasProcessed_isNotRetried_butAnUnreachableNodeIs() throws Exception {
    Node backend = node("backend", backend(), "", true, false);
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    Node caller =
        node(
            "caller",
            Agent.of("caller"),
            "transport:\n"
                + "  retry: {max_attempts: 3, backoff_base_seconds: 0.01, backoff_max_seconds: 0.05}\n"
                + "  circuit_breaker: {enabled: false}\n"
                + peers("backend", backend.gateway().url().toString())
                + "    - {spiffe_id: \"spiffe://test.local/agent/gone\", urls: [\"https://127.0.0.1:"
                + deadPort
                + "\"]}\n",
            false,
            true);
    long before = caller.client().retries();
    assertThat(
            Failures.of(
                ref(caller, "backend").ask("fail", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(InternalErrorException.class);
    assertThat(failures.get()).isEqualTo(1);
    assertThat(caller.client().retries()).isEqualTo(before);

    assertThat(Failures.of(ref(caller, "gone").ask("x", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("cannot reach");
    assertThat(caller.client().retries()).isEqualTo(before + 2);

    // A capability its node declares idempotent is retried after it failed, too.
    assertThat(
            ref(caller, "backend")
                .ask("flaky", Map.of(), Map.class)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS))
        .containsEntry("run", 2);
    assertThat(flakyRuns.get()).isEqualTo(2);
    assertThat(caller.client().retries()).isEqualTo(before + 3);
  }

  @Test
  void anOpenBreaker_admitsATrialAfterItsRecoveryTime_andClosesWhenTheNodeIsBack()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Node caller =
        node(
            "caller",
            Agent.of("caller"),
            "transport:\n"
                + "  retry: {max_attempts: 1}\n"
                + "  circuit_breaker: {failure_threshold: 2, recovery_timeout_seconds: 1,"
                + " success_threshold: 1, half_open_requests: 1}\n"
                + peers("backend", "https://127.0.0.1:" + port),
            false,
            true);
    for (int i = 0; i < 2; i++) {
      assertThat(
              Failures.of(
                  ref(caller, "backend").ask("echo", Map.of(), Map.class).toCompletableFuture()))
          .hasMessageContaining("cannot reach");
    }
    assertThat(
            Failures.of(
                ref(caller, "backend").ask("echo", Map.of(), Map.class).toCompletableFuture()))
        .hasMessageContaining("circuit breaker");

    // The node comes up on that port; after the recovery time a trial call goes through.
    node("backend", backend(), "server: {host: 127.0.0.1, port: " + port + "}", true, false);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                ref(caller, "backend")
                    .ask("echo", Map.of("x", 1), Map.class)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
                return true;
              } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(UnavailableException.class);
                return false;
              }
            });
    assertThat(
            ref(caller, "backend")
                .ask("echo", Map.of("y", 2), Map.class)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS))
        .containsEntry("y", 2);
  }

  @Test
  void aDeadline_spansThreeHops() throws Exception {
    Node end =
        node(
            "end",
            Agent.of("end")
                .withCapability(
                    Capability.ofAsync(
                        "park",
                        Map.class,
                        String.class,
                        (ctx, q) -> {
                          remainingAtEnd.set(ctx.remaining());
                          return gate;
                        })),
            "",
            true,
            false);
    Node relay =
        node(
            "relay",
            Agent.of("relay")
                .withCapability(
                    Capability.ofAsync(
                        "relay",
                        Map.class,
                        String.class,
                        (ctx, q) -> {
                          remainingAtRelay.set(ctx.remaining());
                          return ctx.ref("spiffe://test.local/agent/end")
                              .ask("park", q, String.class);
                        })),
            "transport:\n" + peers("end", end.gateway().url().toString()),
            true,
            true);
    Node start =
        node(
            "start",
            Agent.of("start"),
            "transport:\n" + peers("relay", relay.gateway().url().toString()),
            false,
            true);
    long t0 = System.nanoTime();
    Throwable t =
        Failures.of(
            ref(start, "relay")
                .withTimeout(Duration.ofSeconds(2))
                .ask("relay", Map.of(), String.class)
                .toCompletableFuture());
    assertThat(t).isInstanceOf(DeadlineExceededException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(20)).until(() -> remainingAtEnd.get() != null);
    assertThat(remainingAtRelay.get()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(remainingAtEnd.get()).isLessThanOrEqualTo(remainingAtRelay.get());
  }
}
