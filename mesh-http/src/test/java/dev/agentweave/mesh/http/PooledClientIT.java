package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.testkit.Ports;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
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
import org.junit.jupiter.api.Test;

/**
 * The pooled client's behaviour between nodes on loopback: pool statistics under load, bounded
 * waiting, idle timeout and connection lifetime, retries only when safe, the circuit breaker's
 * recovery, and a deadline across three hops.
 */
class PooledClientIT {
  TestMesh mesh;
  volatile CompletableFuture<String> gate = new CompletableFuture<>();
  final AtomicInteger failures = new AtomicInteger();
  final AtomicInteger flakyRuns = new AtomicInteger();
  final AtomicReference<Duration> remainingAtRelay = new AtomicReference<>();
  final AtomicReference<Duration> remainingAtEnd = new AtomicReference<>();

  @AfterEach
  void stop() {
    gate.complete("done");
    if (mesh != null) {
      mesh.close();
    }
  }

  /** A mesh of a backend with its gateway and a caller that reaches it with these settings. */
  TestMesh backendAndCaller(String callerYaml) {
    mesh =
        TestMesh.builder()
            .node("backend", n -> n.agent(backend()).gateway())
            .node("caller", n -> n.peers("backend").yaml(callerYaml))
            .start();
    return mesh;
  }

  static GatewayClient client(TestNode node) {
    return node.component(GatewayClient.class);
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

  @Test
  void underLoad_utilizationRises_waitingIsBounded_andTheRestIsRefused() throws Exception {
    backendAndCaller(
        "transport: {connection_pool: {max_connections: 2, max_waiting_requests: 2,"
            + " wait_timeout_seconds: 30}}");
    TestNode caller = mesh.node("caller");
    GatewayClient client = caller.node().component(GatewayClient.class).orElseThrow();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(caller.ref("backend").ask("park", Map.of(), String.class).toCompletableFuture());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> client.poolStats().active() == 2);
    GatewayClient.PoolStats stats = client.poolStats();
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
                + mesh.node("backend").component(Gateway.class).url()
                + "\"} 2.0");

    Throwable refused =
        Failures.of(caller.ref("backend").ask("echo", Map.of(), Map.class).toCompletableFuture());
    assertThat(refused)
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("max_waiting_requests");

    gate.complete("released");
    for (CompletableFuture<String> c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("released");
    }
    assertThat(client.poolStats().active()).isZero();
    assertThat(client.poolStats().waiting()).isZero();
  }

  @Test
  void idleConnections_closeAfterTheIdleTimeout() throws Exception {
    backendAndCaller("transport: {connection_pool: {idle_timeout_seconds: 1}}");
    TestNode caller = mesh.node("caller");
    caller
        .ref("backend")
        .ask("echo", Map.of("a", 1), Map.class)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertThat(client(caller).poolStats().total()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> client(caller).poolStats().total() == 0);
  }

  @Test
  void connectionsAreReplaced_whenTheyReachTheirLifetime() {
    backendAndCaller(
        "transport: {connection_pool: {max_connections: 1, max_keepalive_seconds: 1}}");
    TestNode caller = mesh.node("caller");
    // Calls one after another keep the connection busy, so only its lifetime can end it.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              caller
                  .ref("backend")
                  .ask("echo", Map.of(), Map.class)
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
              return client(caller).connectionsOpened() >= 2;
            });
    assertThat(client(caller).poolStats().total()).isLessThanOrEqualTo(1);
  }

  @Test
  void aFailureAfterTheRequestWasProcessed_isNotRetried_butAnUnreachableNodeIs() throws Exception {
    // nothing listens on gone's port: it was free a moment ago
    String gone = "https://127.0.0.1:" + Ports.freeLoopbackPort();
    mesh =
        TestMesh.builder()
            .node("backend", n -> n.agent(backend()).gateway())
            .node(
                "caller",
                n ->
                    n.peers("backend")
                        .peer("gone", gone)
                        .yaml(
                            """
                            transport:
                              retry: {max_attempts: 3, backoff_base_seconds: 0.01, backoff_max_seconds: 0.05}
                              circuit_breaker: {enabled: false}
                            """))
            .start();
    TestNode caller = mesh.node("caller");
    long before = client(caller).retries();
    assertThat(
            Failures.of(
                caller.ref("backend").ask("fail", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(InternalErrorException.class);
    assertThat(failures.get()).isEqualTo(1);
    assertThat(client(caller).retries()).isEqualTo(before);

    assertThat(Failures.of(caller.ref("gone").ask("x", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("cannot reach");
    assertThat(client(caller).retries()).isEqualTo(before + 2);

    // A capability its node declares idempotent is retried after it failed, too.
    assertThat(
            caller
                .ref("backend")
                .ask("flaky", Map.of(), Map.class)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS))
        .containsEntry("run", 2);
    assertThat(flakyRuns.get()).isEqualTo(2);
    assertThat(client(caller).retries()).isEqualTo(before + 3);
  }

  @Test
  void anOpenBreaker_admitsATrialAfterItsRecoveryTime_andClosesWhenTheNodeIsBack()
      throws Exception {
    int port = Ports.freeLoopbackPort();
    mesh =
        TestMesh.builder()
            .node(
                "caller",
                n ->
                    n.peer("backend", "https://127.0.0.1:" + port)
                        .yaml(
                            """
                            transport:
                              retry: {max_attempts: 1}
                              circuit_breaker: {failure_threshold: 2, recovery_timeout_seconds: 1, success_threshold: 1, half_open_requests: 1}
                            """))
            .start();
    TestNode caller = mesh.node("caller");
    for (int i = 0; i < 2; i++) {
      assertThat(
              Failures.of(
                  caller.ref("backend").ask("echo", Map.of(), Map.class).toCompletableFuture()))
          .hasMessageContaining("cannot reach");
    }
    assertThat(
            Failures.of(
                caller.ref("backend").ask("echo", Map.of(), Map.class).toCompletableFuture()))
        .hasMessageContaining("circuit breaker");

    // The node comes up on that port; after the recovery time a trial call goes through.
    mesh.add("backend", n -> n.agent(backend()).gateway().yaml("server: {port: " + port + "}"));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                caller
                    .ref("backend")
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
            caller
                .ref("backend")
                .ask("echo", Map.of("y", 2), Map.class)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS))
        .containsEntry("y", 2);
  }

  @Test
  void aDeadline_spansThreeHops() throws Exception {
    Agent endAgent =
        Agent.of("end")
            .withCapability(
                Capability.ofAsync(
                    "park",
                    Map.class,
                    String.class,
                    (ctx, q) -> {
                      remainingAtEnd.set(ctx.remaining());
                      return gate;
                    }));
    Agent relayAgent =
        Agent.of("relay")
            .withCapability(
                Capability.ofAsync(
                    "relay",
                    Map.class,
                    String.class,
                    (ctx, q) -> {
                      remainingAtRelay.set(ctx.remaining());
                      return ctx.ref("spiffe://test.local/agent/end").ask("park", q, String.class);
                    }));
    mesh =
        TestMesh.builder()
            .node("end", n -> n.agent(endAgent).gateway())
            .node("relay", n -> n.agent(relayAgent).gateway().peers("end"))
            .node("start", n -> n.peers("relay"))
            .start();
    TestNode start = mesh.node("start");
    long t0 = System.nanoTime();
    Throwable t =
        Failures.of(
            start
                .ref("relay")
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
