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
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

  static Path dir;
  static MeshNode searchNode;
  static MeshNode orchestratorNode;
  static IdentitySource searchIds;
  static IdentitySource orchestratorIds;
  static Gateway searchGateway;
  static GatewayClient client;
  static final AtomicInteger told = new AtomicInteger();
  static volatile CompletableFuture<String> gate = new CompletableFuture<>();
  static int deadPort;

  static MeshSettings settings(String name, String extra) {
    return MeshSettings.parse(
        name,
        """
        agent: {name: %s, trust_domain: test.local, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        server: {host: 127.0.0.1, port: 0}
        %s
        """
            .formatted(name, dir.resolve("ca"), extra),
        Map.of());
  }

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("agentweave-remote-ref-it");
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    MeshSettings searchSettings =
        settings(
            "search",
            """
            authorization:
              provider: allow-list
              allow:
                - {caller: "spiffe://test.local/agent/orchestrator", callee: "spiffe://test.local/agent/search", actions: [search, reject, park, note, nope, forged, relay]}
            """);
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
    searchIds = IdentitySources.fromSettings(searchSettings);
    searchNode = MeshNode.builder(searchSettings).agent(search).identities(searchIds).start();
    searchGateway = searchNode.component(Gateway.class).orElseThrow();

    MeshSettings orchestratorSettings =
        settings(
            "orchestrator",
            """
            authorization:
              provider: allow-list
              allow:
                - {caller: "spiffe://test.local/agent/orchestrator", callee: "spiffe://test.local/agent/*", actions: ["*"]}
            transport:
              retry: {max_attempts: 3, backoff_base_seconds: 0.01, backoff_max_seconds: 0.05}
              circuit_breaker: {failure_threshold: 3, recovery_timeout_seconds: 600}
              peers:
                - {spiffe_id: "spiffe://test.local/agent/search", urls: ["%s"]}
                - {spiffe_id: "spiffe://test.local/agent/ghost", urls: ["https://127.0.0.1:%d"]}
            """
                .formatted(searchGateway.url(), deadPort));
    orchestratorIds = IdentitySources.fromSettings(orchestratorSettings);
    orchestratorNode =
        MeshNode.builder(orchestratorSettings)
            .agent(Agent.of("orchestrator"))
            .identities(orchestratorIds)
            .start();
    client = orchestratorNode.component(GatewayClient.class).orElseThrow();
  }

  @AfterAll
  static void stop() {
    gate.complete("done");
    for (MeshNode n : new MeshNode[] {orchestratorNode, searchNode}) {
      if (n != null) {
        n.close();
      }
    }
    for (IdentitySource s : new IdentitySource[] {orchestratorIds, searchIds}) {
      if (s != null) {
        s.close();
      }
    }
  }

  static AgentRef ref(String agent) {
    return orchestratorNode.agent("orchestrator").ref("spiffe://test.local/agent/" + agent);
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
    GatewayClient.PoolStats stats = client.poolStatsByDestination().get(searchGateway.url());
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
