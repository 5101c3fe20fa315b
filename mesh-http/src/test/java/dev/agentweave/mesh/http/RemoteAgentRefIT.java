package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.Ports;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@link AgentRef} to an agent on another node: two nodes on loopback, each with its gateway and
 * pooled client, real mutual TLS, authorization on both sides.
 */
class RemoteAgentRefIT {
  record Search(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  static TestMesh mesh;
  static TestNode searchNode;
  static GatewayClient client;
  static final AtomicInteger told = new AtomicInteger();
  static volatile CompletableFuture<String> gate = new CompletableFuture<>();

  @BeforeAll
  static void start() {
    Agent search =
        Agent.of("search")
            .withCapability(
                Capability.of(
                    "search",
                    Search.class,
                    Hits.class,
                    (ctx, q) -> new Hits(q.query(), List.of(q.query() + "-" + ctx.caller()))))
            .withCapability(
                Capability.of(
                    "reject",
                    Map.class,
                    Map.class,
                    (ctx, q) -> {
                      throw new CapabilityException("not today");
                    }))
            .withCapability(
                Capability.of(
                    "forged",
                    Map.class,
                    Map.class,
                    (ctx, q) -> {
                      throw new PermissionDeniedException("the vault key is 1234");
                    }))
            .withCapability(
                Capability.ofAsync(
                    "relay",
                    Map.class,
                    Map.class,
                    (ctx, q) -> ctx.ref("spiffe://test.local/agent/nobody").ask("x", q, Map.class)))
            .withCapability(Capability.ofAsync("park", Map.class, String.class, (ctx, q) -> gate))
            .withCapability(
                Capability.of(
                    "note",
                    Map.class,
                    Map.class,
                    (ctx, q) -> {
                      told.incrementAndGet();
                      return Map.of();
                    }))
            .withCapability(Capability.of("secret", Map.class, Map.class, (ctx, q) -> Map.of()));
    // nothing listens on the ghost's port: it was free a moment ago
    String ghost = "https://127.0.0.1:" + Ports.freeLoopbackPort();
    mesh =
        TestMesh.builder()
            .node(
                "search",
                n ->
                    n.agent(search)
                        .gateway()
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "spiffe://test.local/agent/orchestrator", callee: "spiffe://test.local/agent/search", actions: [search, reject, park, note, nope, forged, relay]}
                            """))
            .node(
                "orchestrator",
                n ->
                    n.peers("search")
                        .peer("ghost", ghost)
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "spiffe://test.local/agent/orchestrator", callee: "spiffe://test.local/agent/*", actions: ["*"]}
                            transport:
                              retry: {max_attempts: 3, backoff_base_seconds: 0.01, backoff_max_seconds: 0.05}
                              circuit_breaker: {failure_threshold: 3, recovery_timeout_seconds: 600}
                            """))
            .start();
    searchNode = mesh.node("search");
    MeshNode orchestrator = mesh.node("orchestrator").node();
    client = orchestrator.component(GatewayClient.class).orElseThrow();
  }

  @AfterAll
  static void stop() {
    gate.complete("done");
    if (mesh != null) {
      mesh.close();
    }
  }

  static AgentRef ref(String agent) {
    return mesh.node("orchestrator").ref(agent);
  }

  @Test
  void ask_reachesTheAgentOnTheOtherNode_asTheCallingAgent() throws Exception {
    Hits hits =
        ref("search")
            .ask("search", new Search("pekko", 3), Hits.class)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(hits.query()).isEqualTo("pekko");
    // The other node saw the caller's identity from its certificate.
    assertThat(hits.hits()).containsExactly("pekko-spiffe://test.local/agent/orchestrator");
    GatewayClient.PoolStats stats =
        client.poolStatsByDestination().get(searchNode.component(Gateway.class).url());
    assertThat(stats.total()).isGreaterThanOrEqualTo(1);
    assertThat(stats.maxConnections()).isEqualTo(100);
    assertThat(client.poolStats().total()).isGreaterThanOrEqualTo(stats.total());
  }

  @Test
  void errorsOfTheOtherNode_arriveAsTheSameTypesAsLocally() {
    assertThat(Failures.of(ref("search").ask("secret", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(Failures.of(ref("search").ask("nope", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no capability 'nope'");
    assertThat(Failures.of(ref("search").ask("reject", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(HandlerRejectedException.class)
        .hasMessage("not today");
  }

  @Test
  void aMeshExceptionTheHandlerMadeItself_arrivesAsAnInternalErrorWithoutItsText() {
    assertThat(Failures.of(ref("search").ask("forged", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(InternalErrorException.class)
        .hasMessageContaining("the called node failed")
        .message()
        .doesNotContain("1234");
  }

  @Test
  void theFailureOfAnOnwardCall_passesThroughTheHandlerUnchanged() {
    // search's own node does not let search call nobody: the handler returns that refusal.
    assertThat(Failures.of(ref("search").ask("relay", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageStartingWith(
            "permission denied: spiffe://test.local/agent/search may not call 'x' on"
                + " spiffe://test.local/agent/nobody (decision ")
        .message()
        .doesNotContain("allow rule");
  }

  @Test
  void theCallersDeadline_travelsWithTheCall() {
    CompletableFuture<String> held = new CompletableFuture<>();
    gate = held;
    try {
      Throwable t =
          Failures.of(
              ref("search")
                  .withTimeout(Duration.ofMillis(300))
                  .ask("park", Map.of(), String.class)
                  .toCompletableFuture());
      assertThat(t).isInstanceOf(DeadlineExceededException.class);
    } finally {
      held.complete("late");
    }
  }

  @Test
  void tell_completesWhenTheOtherNodeAcceptedTheCall() throws Exception {
    int before = told.get();
    ref("search").tell("note", Map.of()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> told.get() == before + 1);
  }

  @Test
  void anUnreachableNode_isUnavailable_afterRetries_andItsBreakerOpens() {
    for (int i = 0; i < 3; i++) {
      assertThat(Failures.of(ref("ghost").ask("x", Map.of(), Map.class).toCompletableFuture()))
          .isInstanceOf(UnavailableException.class);
    }
    assertThatThrownBy(
            () ->
                ref("ghost")
                    .ask("x", Map.of(), Map.class)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UnavailableException.class)
        .hasMessageContaining("circuit breaker");
  }

  @Test
  void anAgentWithNoPeer_isNotFound() {
    assertThat(Failures.of(ref("unknown").ask("x", Map.of(), Map.class).toCompletableFuture()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("transport.peers");
  }
}
