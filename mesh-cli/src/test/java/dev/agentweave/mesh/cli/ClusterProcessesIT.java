package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterAgentDirectory;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.GatewayClient;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.Ports;
import dev.agentweave.samples.SearchAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code agentweave node} processes form a cluster on loopback; this JVM joins as a fourth
 * member that only calls. The directory converges, calls spread over the three, and one process is
 * killed with SIGKILL during continuous load.
 */
class ClusterProcessesIT {
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://example.org/agent/search");

  @TempDir Path dir;
  final List<NodeProcess> processes = new ArrayList<>();
  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    for (NodeProcess p : processes) {
      p.close(); // SIGKILL to a process this test started, if it still runs
      p.keepLog(getClass());
    }
  }

  NodeProcess start(String name, int remoting, int gateway, int seed) throws Exception {
    NodeProcess p = SampleNodeConfigs.clusterNode(dir, "search", name, remoting, seed, gateway);
    processes.add(p);
    return p;
  }

  @Test
  void theDirectoryConverges_callsSpread_andASigkilledNodeLosesNoAcknowledgedCall()
      throws Exception {
    // The four members start on one dev CA directory at once; one of them creates the CA.
    int seed = Ports.freeLoopbackPort();
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(
          start("p" + i, i == 1 ? seed : Ports.freeLoopbackPort(), Ports.freeLoopbackPort(), seed));
    }
    MeshSettings settings =
        MeshSettings.parse(
            "observer",
            """
            agent: {name: observer, trust_domain: example.org, environment: development}
            identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
            authorization:
              provider: allow-list
              allow:
                - {caller: "spiffe://example.org/agent/observer", callee: "spiffe://example.org/agent/search", actions: [search]}
            cluster:
              enabled: true
              node_name: observer
              host: 127.0.0.1
              port: 0
              seed_nodes: ["127.0.0.1:%d"]
              split_brain_resolver: {stable_after_seconds: 5}
            transport:
              retry: {max_attempts: 3, backoff_base_seconds: 0.05, backoff_max_seconds: 0.2}
            server: {enabled: false}
            """
                .formatted(dir.resolve("ca"), seed),
            Map.of());
    IdentitySource ids = IdentitySources.fromSettings(settings);
    MeshNode observer =
        MeshNode.builder(settings).agent(Agent.of("observer")).identities(ids).start();
    ClusterAgentDirectory directory = observer.component(ClusterAgentDirectory.class).orElseThrow();
    toClose.add(ids);
    toClose.add(observer);
    GatewayClient client = observer.component(GatewayClient.class).orElseThrow();

    // Directory convergence: the observer finds the search agent on all three processes.
    await()
        .atMost(Duration.ofSeconds(120))
        .failFast(
            "a node process exited (its log is kept in target/node-logs)",
            () -> nodes.stream().anyMatch(p -> !p.isAlive()))
        .until(() -> directory.gateways(SEARCH).size() == 3);

    // Warm-up on cold JVMs (TLS handshakes, JIT, first authorization decisions): generous time.
    AgentRef patient = observer.agent("observer").ref(SEARCH).withTimeout(Duration.ofSeconds(60));
    List<CompletableFuture<SearchAgent.SearchResult>> warm = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      warm.add(
          patient
              .ask(
                  "search",
                  new SearchAgent.SearchRequest("test query", 5),
                  SearchAgent.SearchResult.class)
              .toCompletableFuture());
    }
    for (CompletableFuture<SearchAgent.SearchResult> f : warm) {
      assertThat(f.get(90, TimeUnit.SECONDS).query()).isEqualTo("test query");
    }
    AgentRef search = observer.agent("observer").ref(SEARCH).withTimeout(Duration.ofSeconds(5));
    // The calls spread over the three nodes' gateways.
    assertThat(client.poolStatsByDestination()).hasSize(3);

    // Continuous load (8 callers, 30 s, each call bounded by 5 s); SIGKILL one node after 5 s.
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<Long> failuresAt = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(30);
    long[] killedAt = {0};
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops.add(done);
      loop(search, end, ok, failuresAt, failures, done);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - start > 5e9);
    NodeProcess victim = nodes.get(2);
    killedAt[0] = System.nanoTime();
    victim.kill(); // SIGKILL to a process this test started
    // While the load goes on: the node leaves the observer's directory once it is unreachable.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> directory.gateways(SEARCH).size() == 2);
    long droppedMs = (System.nanoTime() - killedAt[0]) / 1_000_000;
    CompletableFuture.allOf(loops.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);

    // Every call ended: answered, or failed with an error the caller saw; none hung or vanished.
    assertThat(ok.get()).isGreaterThan(100);
    for (Throwable t : failures) {
      assertThat(t).isInstanceOf(dev.agentweave.mesh.MeshException.class);
    }
    long lastFailureMs =
        failuresAt.stream().mapToLong(t -> (t - killedAt[0]) / 1_000_000).max().orElse(0);
    assertThat(directory.gateways(SEARCH)).hasSize(2);
    System.out.printf(
        "cluster kill -9: %d calls answered, %d failed (last %d ms after the kill), directory"
            + " without the node %d ms after the kill%n",
        ok.get(), failures.size(), lastFailureMs, droppedMs);

    // A planned stop: SIGTERM makes a member drain, leave the cluster and exit 0.
    NodeProcess leaving =
        nodes.stream().filter(p -> p != victim && p != nodes.get(0)).findFirst().get();
    long termAt = System.nanoTime();
    leaving.terminate();
    assertThat(leaving.awaitExit(Duration.ofSeconds(60)))
        .as("exit status of a member stopped by SIGTERM")
        .isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> directory.gateways(SEARCH).size() == 1);
    System.out.printf(
        "cluster SIGTERM: the member exited 0 and left the directory %d ms after the signal%n",
        (System.nanoTime() - termAt) / 1_000_000);
  }

  static void loop(
      AgentRef search,
      long end,
      AtomicLong ok,
      ConcurrentLinkedQueue<Long> failuresAt,
      ConcurrentLinkedQueue<Throwable> failures,
      CompletableFuture<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete(null);
      return;
    }
    search
        .ask(
            "search",
            new SearchAgent.SearchRequest("test query", 5),
            SearchAgent.SearchResult.class)
        .whenCompleteAsync(
            (r, e) -> {
              if (e == null) {
                ok.incrementAndGet();
              } else {
                failuresAt.add(System.nanoTime());
                failures.add(
                    e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e);
              }
              loop(search, end, ok, failuresAt, failures, done);
            });
  }
}
