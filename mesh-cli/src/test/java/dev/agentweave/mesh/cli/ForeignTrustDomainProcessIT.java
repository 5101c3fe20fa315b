package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remoting refuses a node of another trust domain, across processes: an {@code agentweave node}
 * process of example.org is told to join a cluster whose only member (in this JVM) has an SVID of
 * other.org from another CA. The process's TLS handshake refuses the peer, it says so in its log,
 * and it never becomes a member.
 */
class ForeignTrustDomainProcessIT {
  @TempDir Path dir;
  NodeProcess process;
  MeshNode foreign;

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.close(); // SIGKILL to the process this test started, if it still runs
    }
    if (foreign != null) {
      foreign.close();
    }
  }

  @Test
  void aNodeProcessRefusesToJoinAClusterOfAnotherTrustDomain() throws Exception {
    MeshSettings other =
        MeshSettings.parse(
            "foreign",
            """
            agent: {name: evil, trust_domain: other.org, environment: development}
            identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
            authorization: {provider: allow-list, allow: []}
            cluster: {enabled: true, host: 127.0.0.1, port: 0}
            """
                .formatted(dir.resolve("other-ca")),
            Map.of());
    foreign = MeshNode.builder(other).agent(Agent.of("evil")).start();
    Cluster cluster = Cluster.get(foreign.actorSystem());
    await().atMost(Duration.ofSeconds(60)).until(() -> members(cluster) == 1);
    int port = cluster.selfMember().address().getPort().get();

    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        """
        agent: {name: search, trust_domain: example.org, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        authorization: {provider: allow-list, allow: []}
        cluster:
          enabled: true
          node_name: honest
          host: 127.0.0.1
          port: %d
          seed_nodes: ["127.0.0.1:%d"]
        server: {host: 127.0.0.1, port: %d, agents: [search], graceful_shutdown_seconds: 2}
        """
            .formatted(
                dir.resolve("ca"), Ports.freeLoopbackPort(), port, Ports.freeLoopbackPort()));
    process = NodeProcess.builder(dir, "honest").config(config).start();

    // The process tries to join through the foreign seed and refuses its certificate.
    assertThat(process.awaitLine("refused a remoting peer", Duration.ofSeconds(120)))
        .contains("other.org");
    assertThat(process.isAlive()).isTrue();
    String text = process.log();
    assertThat(text).contains("trust domain other.org is not accepted");
    // The foreign cluster still has its one member: the process never joined it.
    assertThat(members(cluster)).isEqualTo(1);
    assertThat(
            StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                .map(m -> m.address().getPort().get())
                .toList())
        .isEqualTo(List.of(port));
  }

  static long members(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false).count();
  }
}
