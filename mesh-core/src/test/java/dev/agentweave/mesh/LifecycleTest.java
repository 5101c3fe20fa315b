package dev.agentweave.mesh;

import static dev.agentweave.mesh.TestSettings.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.node.MeshNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  record Msg(String text) {}

  @Test
  void stop_drainsInFlightCalls_refusesNewOnes_thenStops() throws Exception {
    CompletableFuture<Msg> gate = new CompletableFuture<>();
    MeshNode node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .agent(
                Agent.of("slow")
                    .withCapability(
                        Capability.ofAsync("wait", Msg.class, Msg.class, (c, r) -> gate)))
            .start();
    assertThat(node.state()).isEqualTo(NodeState.READY);
    CompletionStage<Msg> inFlight =
        node.agent("client").ref(id("slow")).ask("wait", new Msg("a"), Msg.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> node.callsInFlight() == 1);

    CompletionStage<Void> stopped = node.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> node.state() == NodeState.DRAINING);
    try {
      node.agent("client")
          .ref(id("slow"))
          .ask("wait", new Msg("b"), Msg.class)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      throw new AssertionError("a new call was accepted while draining");
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("draining");
    }
    assertThat(stopped.toCompletableFuture().isDone()).isFalse();

    gate.complete(new Msg("done"));
    assertThat(inFlight.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(new Msg("done"));
    stopped.toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(node.state()).isEqualTo(NodeState.STOPPED);
  }

  @Test
  void stop_failsCallsStillRunningAfterTheGracePeriod() throws Exception {
    MeshNode node =
        MeshNode.builder(
                TestSettings.yaml(
                    """
        agent: {name: client, trust_domain: test.local, environment: development}
        authorization: {provider: allow-all}
        server: {graceful_shutdown_seconds: 0.3}
        """))
            .agent(Agent.of("client"))
            .agent(
                Agent.of("stuck")
                    .withCapability(
                        Capability.ofAsync(
                            "wait", Msg.class, Msg.class, (c, r) -> new CompletableFuture<>())))
            .start();
    CompletionStage<Msg> call =
        node.agent("client")
            .ref(id("stuck"))
            .ask("wait", new Msg("a"), Msg.class, Duration.ofMinutes(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> node.callsInFlight() == 1);
    node.stop().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(node.state()).isEqualTo(NodeState.STOPPED);
    try {
      call.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("call succeeded");
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("node stopped");
    }
  }

  @Test
  void stop_isIdempotent_andCloseWaits() {
    MeshNode node =
        MeshNode.builder(TestSettings.allowAllAgents("")).agent(Agent.of("client")).start();
    CompletionStage<Void> a = node.stop();
    CompletionStage<Void> b = node.stop();
    node.close();
    assertThat(a.toCompletableFuture()).isDone();
    assertThat(b.toCompletableFuture()).isDone();
    assertThat(node.state()).isEqualTo(NodeState.STOPPED);
  }
}
