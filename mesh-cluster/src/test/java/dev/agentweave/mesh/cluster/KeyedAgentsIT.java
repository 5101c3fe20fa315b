package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.KeyedCapability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.NodeSpec;
import dev.agentweave.mesh.testkit.TestMesh;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keyed agents on Cluster Sharding with three nodes in one JVM (a real cluster over SPIFFE TLS
 * remoting): one live entity per key even when the first calls of a key arrive at once on every
 * node, state kept in the entity, entities spread over nodes and moved to a joining node,
 * passivation, errors, and inbound authorization on the entity's node with the caller the call
 * carries. The same with separate JVMs: {@code KeyedAgentsProcessesIT} in mesh-cli.
 */
class KeyedAgentsIT {
  static final SpiffeId COUNTERS = SpiffeId.parse("spiffe://test.local/agent/counters");

  record Add(String counterId, long amount) {}

  record Total(String counterId, long total, String instance, String node) {}

  /** The state of one counter: its total and which incarnation of the entity holds it. */
  static final class Counter {
    final String instance = UUID.randomUUID().toString();
    long total;
  }

  /** The test's cluster: its first node starts it, later ones join. */
  private TestMesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  static KeyedAgent<Counter> counters(String node, Duration passivation) {
    KeyedAgent<Counter> agent =
        KeyedAgent.of("counters", key -> new Counter())
            .withCapability(
                KeyedCapability.of(
                    "add",
                    Add.class,
                    Total.class,
                    Add::counterId,
                    (ctx, counter, add) -> {
                      if (add.amount() < 0) {
                        throw new CapabilityException("amount must not be negative");
                      }
                      counter.total += add.amount();
                      return new Total(add.counterId(), counter.total, counter.instance, node);
                    }));
    return passivation == null ? agent : agent.withPassivation(passivation);
  }

  /**
   * Starts one node hosting its own agent and the counters; the first node forms the cluster, the
   * others join it.
   *
   * @param allowed callers the node's allow-list lets call the counters
   */
  private MeshNode node(
      String name, String roles, String shardingRole, String allowed, Duration passivation) {
    java.util.function.Consumer<NodeSpec> spec =
        n ->
            n.keyedAgent(counters(name, passivation))
                .yaml(
                    """
                    authorization:
                      allow:
                        - {caller: "%s", callee: "spiffe://test.local/agent/*", actions: ["*"]}
                    cluster: {roles: [%s], sharding: {role: "%s"}}
                    """
                        .formatted(allowed, roles, shardingRole));
    if (mesh == null) {
      mesh = TestMesh.builder().cluster().node(name, spec).start();
      return mesh.node(name).node();
    }
    return mesh.add(name, spec).node();
  }

  private MeshNode node(String name) {
    return node(name, "", "", "spiffe://test.local/agent/*", null);
  }

  private void awaitUp(int count) {
    mesh.awaitMembers(count);
  }

  private static Total add(MeshNode from, String key, long amount) throws Exception {
    return ref(from)
        .ask("add", new Add(key, amount), Total.class)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static AgentRef ref(MeshNode from) {
    return from.agent(from.settings().agent().name()).ref(COUNTERS);
  }

  @Test
  void oneLiveEntityPerKey_evenWhenEveryNodeSendsTheFirstCallsAtOnce() throws Exception {
    MeshNode a = node("a");
    MeshNode b = node("b");
    MeshNode c = node("c");
    awaitUp(3);

    // 3 nodes x 20 concurrent first calls of one fresh key.
    List<CompletableFuture<Total>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      for (MeshNode n : List.of(a, b, c)) {
        calls.add(ref(n).ask("add", new Add("fresh", 1), Total.class).toCompletableFuture());
      }
    }
    Set<String> instances = new HashSet<>();
    Set<String> servedBy = new HashSet<>();
    Set<Long> totals = new HashSet<>();
    for (CompletableFuture<Total> call : calls) {
      Total t = call.get(30, TimeUnit.SECONDS);
      instances.add(t.instance());
      servedBy.add(t.node());
      totals.add(t.total());
    }
    // One entity answered all 60 calls, one at a time: totals 1..60, each once.
    assertThat(instances).hasSize(1);
    assertThat(servedBy).hasSize(1);
    assertThat(totals).hasSize(60).contains(1L, 60L);
    assertThat(add(b, "fresh", 0).total()).isEqualTo(60);

    // Keys spread over the nodes; each key keeps its state wherever it is called from.
    Map<String, String> nodeOfKey = new HashMap<>();
    for (int k = 0; k < 30; k++) {
      nodeOfKey.put("k" + k, add(a, "k" + k, 5).node());
    }
    assertThat(new HashSet<>(nodeOfKey.values())).hasSizeGreaterThan(1);
    for (int k = 0; k < 30; k++) {
      Total t = add(List.of(a, b, c).get(k % 3), "k" + k, 2);
      assertThat(t.total()).isEqualTo(7);
      assertThat(t.node()).isEqualTo(nodeOfKey.get("k" + k));
    }
    int live = mesh.nodes().stream().mapToInt(n -> (int) liveEntities(n.node())).sum();
    assertThat(live).isEqualTo(31);
  }

  @Test
  void badRequestsAndRefusalsReachTheCaller_andIdleEntitiesArePassivated() throws Exception {
    MeshNode a = node("a", "", "", "spiffe://test.local/agent/*", Duration.ofSeconds(1));
    awaitUp(1);

    assertThatThrownBy(() -> add(a, "", 1))
        .cause()
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("has no key");
    assertThatThrownBy(
            () ->
                ref(a)
                    .ask("add", Map.of("counterId", "x", "amount", "many"), Total.class)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("amount");
    assertThatThrownBy(() -> add(a, "x", -1))
        .cause()
        .isInstanceOf(HandlerRejectedException.class)
        .hasMessageContaining("amount must not be negative");

    Total first = add(a, "p", 3);
    assertThat(add(a, "p", 3).total()).isEqualTo(6);
    // After a second without calls the entities stop; the next call starts the key afresh.
    await().atMost(Duration.ofSeconds(30)).until(() -> liveEntities(a) == 0);
    Total again = add(a, "p", 3);
    assertThat(again.total()).isEqualTo(3);
    assertThat(again.instance()).isNotEqualTo(first.instance());
  }

  @Test
  void theEntitysNodeAuthorizesWithTheCallerTheCallCarries() throws Exception {
    // Only a runs entities, and a's policy admits only a's agent.
    MeshNode a = node("a", "\"entities\"", "entities", "spiffe://test.local/agent/a", null);
    // b admits everyone: its own checks pass, a's check of b's caller must refuse.
    MeshNode b = node("b", "", "entities", "spiffe://test.local/agent/*", null);
    awaitUp(2);

    assertThat(add(a, "k", 1).node()).isEqualTo("a");
    assertThatThrownBy(() -> add(b, "k", 1))
        .cause()
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("spiffe://test.local/agent/b may not call 'add'");
    assertThat(add(a, "k", 1).total()).isEqualTo(2);
    assertThat(liveEntities(b)).isZero();
  }

  @Test
  void entitiesMoveToANodeThatJoins() throws Exception {
    MeshNode a = node("a");
    MeshNode b = node("b");
    awaitUp(2);
    Map<String, Total> before = new HashMap<>();
    for (int k = 0; k < 40; k++) {
      Total t = add(a, "k" + k, 1);
      assertThat(t.node()).isIn("a", "b");
      before.put("k" + k, t);
    }

    MeshNode c = node("c");
    awaitUp(3);
    // Rebalancing moves shards to c within a few rebalance rounds (10 s each); every call keeps
    // succeeding meanwhile.
    Map<String, Total> moved = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              for (int k = 0; k < 40; k++) {
                Total t = add(b, "k" + k, 0);
                if (t.node().equals("c")) {
                  moved.put("k" + k, t);
                }
              }
              return moved.size() >= 5;
            });
    assertThat(liveEntities(c)).isGreaterThanOrEqualTo(moved.size());
    // State lives in memory: a moved entity starts again from the factory.
    moved.forEach(
        (key, t) -> {
          assertThat(t.instance()).isNotEqualTo(before.get(key).instance());
          assertThat(t.total()).isZero();
        });
  }

  static double liveEntities(MeshNode n) {
    Gauge g = n.metrics().registry().find("keyed.entities").tag("agent", "counters").gauge();
    return g == null ? 0 : g.value();
  }
}
