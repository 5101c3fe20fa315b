package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/** Mesh nodes with cluster.enabled form a Pekko Cluster over TLS with their node identities. */
class ClusterNodeIT {
  record Msg(String text) {}

  private static MeshSettings settings(Path ca, String node, String seeds) {
    return MeshSettings.parse(
        node,
        """
        agent: {name: %s, trust_domain: test.local, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        authorization: {provider: allow-all}
        cluster: {enabled: true, host: 127.0.0.1, port: 0, seed_nodes: [%s]}
        server: {enabled: false}
        """
            .formatted(node, ca, seeds),
        Map.of());
  }

  private static long up(MeshNode n) {
    return StreamSupport.stream(
            Cluster.get(n.actorSystem()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  @Test
  void oneNodeFormsAClusterAlone_andASecondJoinsThroughItsSeed() throws Exception {
    Path ca = Files.createTempDirectory("agentweave-cluster-it").resolve("ca");
    Agent echo =
        Agent.of("a").withCapability(Capability.of("echo", Msg.class, Msg.class, (c, r) -> r));
    try (MeshNode a = MeshNode.builder(settings(ca, "a", "")).agent(echo).start()) {
      assertThat(a.state()).isEqualTo(NodeState.READY);
      assertThat(a.actorSystem().name())
          .isEqualTo(dev.agentweave.mesh.cluster.internal.ClusterNodeExtension.SYSTEM_NAME);
      // The split brain resolver is on by default, with the documented strategy.
      assertThat(
              a.actorSystem().settings().config().getString("pekko.cluster.downing-provider-class"))
          .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
      assertThat(
              a.actorSystem()
                  .settings()
                  .config()
                  .getString("pekko.cluster.split-brain-resolver.active-strategy"))
          .isEqualTo("keep-majority");
      await().atMost(Duration.ofSeconds(60)).until(() -> up(a) == 1);
      int port = (Integer) Cluster.get(a.actorSystem()).selfMember().address().getPort().get();
      try (MeshNode b =
          MeshNode.builder(settings(ca, "b", "\"127.0.0.1:" + port + "\""))
              .agent(Agent.of("b"))
              .start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> up(a) == 2 && up(b) == 2);
      }
      // The node still serves its agents as before.
      Msg r =
          a.agent("a")
              .ref("spiffe://test.local/agent/a")
              .ask("echo", new Msg("hi"), Msg.class)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(r).isEqualTo(new Msg("hi"));
    }
  }
}
