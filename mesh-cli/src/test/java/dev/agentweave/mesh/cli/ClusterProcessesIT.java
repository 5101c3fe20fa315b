package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterAgentDirectory;
import dev.agentweave.mesh.http.GatewayClient;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.NodeSpec;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.samples.SearchAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three {@code agentweave node} processes form a cluster on loopback; this JVM joins as a fourth
 * member that only calls. The directory converges, calls spread over the three, and one process is
 * killed with SIGKILL during continuous load.
 */
class ClusterProcessesIT {
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://example.org/agent/search");

  TestMesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.keepLogs(getClass());
      mesh.close(); // SIGKILL to the processes this test started, if they still run
    }
  }

  /** A process of the cluster hosting the sample search agent, with its gateway. */
  static void searchNode(NodeSpec n) {
    n.agentName("search").hosts("search").gateway();
  }

  @Test
  void theDirectoryConverges_callsSpread_andASigkilledNodeLosesNoAcknowledgedCall()
      throws Exception {
    // Three processes and this JVM's observer form one cluster on one dev CA, deciding with the
    // sample node's Cedar policies.
    mesh =
        TestMesh.builder()
            .trustDomain("example.org")
            .cedar(Files.readString(Path.of("..", "config", "policy.cedar")))
            .cluster()
            .timeout(Duration.ofSeconds(180))
            .process("p1", ClusterProcessesIT::searchNode)
            .process("p2", ClusterProcessesIT::searchNode)
            .process("p3", ClusterProcessesIT::searchNode)
            .node(
                "observer",
                n ->
                    n.yaml(
                        "transport: {retry: {max_attempts: 3, backoff_base_seconds: 0.05,"
                            + " backoff_max_seconds: 0.2}}"))
            .start();
    List<NodeProcess> nodes = mesh.processes();
    MeshNode observer = mesh.node("observer").node();
    ClusterAgentDirectory directory = mesh.node("observer").component(ClusterAgentDirectory.class);
    GatewayClient client = mesh.node("observer").component(GatewayClient.class);

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
