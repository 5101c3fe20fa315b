package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.node.MeshNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The keyed-agent DSL; running keyed agents is tested on a cluster (mesh-cluster, KeyedAgentsIT).
 */
class KeyedAgentTest {
  record Add(String counterId, long amount) {}

  record Total(long total) {}

  static final class Counter {
    long total;
  }

  static KeyedCapability<Counter, Add, Total> add() {
    return KeyedCapability.of(
        "add",
        Add.class,
        Total.class,
        Add::counterId,
        (ctx, counter, req) -> new Total(counter.total += req.amount()));
  }

  @Test
  void aNodeWithoutClusterRefusesKeyedAgents_sayingWhatTheyNeed() {
    KeyedAgent<Counter> counters =
        KeyedAgent.of("counters", k -> new Counter()).withCapability(add());
    assertThatThrownBy(
            () ->
                MeshNode.builder(TestSettings.allowAllAgents(""))
                    .agent(Agent.of("client"))
                    .agent(counters)
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spiffe://test.local/agent/counters")
        .hasMessageContaining("cluster.enabled: true");
  }

  @Test
  void keysAreTakenFromRequests_andMissingOrOversizedKeysAreInvalid() {
    KeyedCapability<Counter, Add, Total> add = add();
    assertThat(add.keyOf(new Add("c-1", 1))).isEqualTo("c-1");
    assertThatThrownBy(() -> add.keyOf(new Add(null, 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("request for 'add' has no key");
    assertThatThrownBy(() -> add.keyOf(new Add("", 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("has no key");
    assertThatThrownBy(() -> add.keyOf(new Add("x".repeat(1_025), 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("key of 1025 characters (expected: at most 1024)");
    KeyedCapability<Counter, Add, Total> failing =
        KeyedCapability.of(
            "add",
            Add.class,
            Total.class,
            r -> {
              throw new IllegalStateException("no key here");
            },
            (ctx, c, r) -> new Total(0));
    assertThatThrownBy(() -> failing.keyOf(new Add("a", 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("no key here");
  }

  @Test
  void theDslRefusesDuplicatesAndBadOptions_andKeepsOptionsOnTheRoutingCapability() {
    KeyedAgent<Counter> counters =
        KeyedAgent.of("counters", k -> new Counter()).withCapability(add());
    assertThatThrownBy(() -> counters.withCapability(add()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capability 'add' is declared twice on agent 'counters'");
    assertThatThrownBy(() -> counters.withPassivation(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("passivation: PT0S (expected: > 0)");
    assertThatThrownBy(() -> KeyedAgent.of("Counters", k -> new Counter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent name: 'Counters'");
    assertThat(counters.withPassivation(Duration.ofMinutes(5)).passivation())
        .contains(Duration.ofMinutes(5));
    assertThat(counters.spiffeId("example.org").toString())
        .isEqualTo("spiffe://example.org/agent/counters");
    assertThat(counters.newState("k").total).isZero();

    Capability<Add, Total> routed =
        add()
            .withTimeout(Duration.ofSeconds(2))
            .withIdempotent(true)
            .withBlocking(true)
            .withRequiredPeers("spiffe://test.local/agent/*")
            .routedBy((ctx, req) -> java.util.concurrent.CompletableFuture.completedFuture(null));
    assertThat(routed.name()).isEqualTo("add");
    assertThat(routed.timeout()).contains(Duration.ofSeconds(2));
    assertThat(routed.idempotent()).isTrue();
    // The routing capability never blocks: a blocking keyed handler blocks on the entity's node.
    assertThat(routed.blocking()).isFalse();
    assertThat(routed.requiredPeers()).hasSize(1);
  }
}
