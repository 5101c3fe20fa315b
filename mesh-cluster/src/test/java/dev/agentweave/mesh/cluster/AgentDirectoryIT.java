package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cluster's agent directory: three nodes in one JVM (cluster over SPIFFE TLS remoting, each
 * with its gateway and pooled client) find each other's agents without static peers.
 */
class AgentDirectoryIT {
  static final SpiffeId WORKER = SpiffeId.parse("spiffe://test.local/agent/worker");

  record Job(int n) {}

  record Done(int n, String node) {}

  private final Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();

  /** The worker agent of a node, counting the calls it serves. */
  private Agent worker(String node) {
    return Agent.of("worker")
        .withCapability(
            Capability.of(
                "work",
                Job.class,
                Done.class,
                (ctx, j) -> {
                  servedBy.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
                  return new Done(j.n(), node);
                }));
  }

  @Test
  void agentsAreFoundWhereverTheyRun_callsSpreadOverNodes_andALeavingNodeDropsOut()
      throws Exception {
    try (TestMesh mesh =
        TestMesh.builder()
            .cluster()
            .node("a", n -> n.gateway())
            .node("b", n -> n.gateway().agent(worker("b")))
            .node("c", n -> n.gateway().agent(worker("c")))
            .start()) {
      MeshNode a = mesh.node("a").node();
      MeshNode b = mesh.node("b").node();

      // The directory converges: node a sees the worker on b and on c.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.component(ClusterAgentDirectory.class).orElseThrow().gateways(WORKER).size()
                      == 2);
      // A node's directory lists other nodes only: b sees the worker of c, not its own.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  b.component(ClusterAgentDirectory.class).orElseThrow().gateways(WORKER).size()
                      == 1);
      assertThat(b.component(ClusterAgentDirectory.class).orElseThrow().gateways(WORKER))
          .containsExactly(mesh.node("c").gatewayUrl());

      AgentRef worker = a.agent("a").ref(WORKER);
      List<CompletableFuture<Done>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(worker.ask("work", new Job(i), Done.class).toCompletableFuture());
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(30, TimeUnit.SECONDS).n()).isEqualTo(i);
      }
      assertThat(servedBy.keySet()).containsExactlyInAnyOrder("b", "c");
      assertThat(servedBy.get("b").get() + servedBy.get("c").get()).isEqualTo(200);

      // c leaves: it drops out of a's directory, and every call goes to b.
      mesh.stop("c");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  a.component(ClusterAgentDirectory.class).orElseThrow().gateways(WORKER).size()
                      == 1);
      int servedByC = servedBy.get("c").get();
      for (int i = 0; i < 20; i++) {
        assertThat(
                worker
                    .ask("work", new Job(i), Done.class)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)
                    .node())
            .isEqualTo("b");
      }
      assertThat(servedBy.get("c").get()).isEqualTo(servedByC);
    }
  }
}
