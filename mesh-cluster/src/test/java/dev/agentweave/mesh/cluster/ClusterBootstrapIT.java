package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster formation through Pekko Cluster Bootstrap, as on Kubernetes but with the contact points
 * from configuration (the Kubernetes API discovery has no API server here): three nodes with real
 * Pekko Management HTTP on loopback find each other, agree on one new cluster and join it over TLS
 * remoting; each answers the probes {@code /alive} and {@code /ready} (ready once the member is up,
 * the node is ready and its keyed agent's shard region has registered), and keyed calls reach one
 * entity per key from every node.
 */
class ClusterBootstrapIT {
  @TempDir Path dir;
  final List<MeshNode> nodes = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  MeshSettings settings(String name, int managementPort, List<Integer> contactPoints) {
    return MeshSettings.parse(
        name,
        """
        agent: {name: %s, trust_domain: test.local, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        authorization: {provider: allow-all, audit: {enabled: false}}
        cluster:
          enabled: true
          node_name: %s
          host: 127.0.0.1
          port: 0
          management: {port: %d}
          bootstrap:
            enabled: true
            discovery: config
            service_name: agents
            required_contact_points: 3
            stable_margin_seconds: 1
            contact_points: [%s]
        server: {enabled: false, graceful_shutdown_seconds: 2}
        """
            .formatted(
                name,
                dir.resolve("ca"),
                name,
                managementPort,
                contactPoints.stream()
                    .map(p -> "\"127.0.0.1:" + p + "\"")
                    .collect(Collectors.joining(", "))),
        Map.of());
  }

  int status(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static Set<String> upMembers(MeshNode n) {
    return StreamSupport.stream(
            Cluster.get(n.actorSystem()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up())
        .map(Member::address)
        .map(Object::toString)
        .collect(Collectors.toSet());
  }

  @Test
  void threeNodesBootstrapOneCluster_andAnswerTheProbes() throws Exception {
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    for (int i = 0; i < 3; i++) {
      MeshSettings s = settings("n" + i, ports.get(i), ports);
      assertThat(s.section(ClusterSettings.class).bootstrap().enabled()).isTrue();
      assertThat(s.section(ClusterSettings.class).management().enabled()).isTrue();
      nodes.add(
          MeshNode.builder(s)
              .agent(Agent.of("n" + i))
              .agent(KeyedAgentsIT.counters("n" + i, null))
              .start());
    }

    // One cluster of three: every node sees the same three members up.
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> nodes.stream().allMatch(n -> upMembers(n).size() == 3));
    Set<Set<String>> views = new HashSet<>();
    nodes.forEach(n -> views.add(upMembers(n)));
    assertThat(views).hasSize(1);
    Set<String> selves = new HashSet<>();
    nodes.forEach(n -> selves.add(Cluster.get(n.actorSystem()).selfMember().address().toString()));
    assertThat(views.iterator().next()).isEqualTo(selves);

    // The probes: alive, and ready once the member is up and the node serves.
    for (int port : ports) {
      assertThat(status(port, "/alive")).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/ready") == 200);
      // Membership routes are off on this plain-HTTP port.
      assertThat(status(port, "/cluster/members")).isEqualTo(404);
    }

    // Keyed agents work on the bootstrapped cluster: one entity per key, whichever node calls.
    Set<String> instances = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      MeshNode n = nodes.get(i);
      KeyedAgentsIT.Total t =
          n.agent(n.settings().agent().name())
              .ref(KeyedAgentsIT.COUNTERS)
              .ask("add", new KeyedAgentsIT.Add("k", 1), KeyedAgentsIT.Total.class)
              .toCompletableFuture()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(t.total()).isEqualTo(i + 1);
      instances.add(t.instance());
    }
    assertThat(instances).hasSize(1);

    // A stopped node leaves: the others see two members and stay ready.
    MeshNode last = nodes.remove(2);
    last.close();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> nodes.stream().allMatch(n -> upMembers(n).size() == 2));
    assertThat(status(ports.get(2), "/alive")).isEqualTo(-1);
    assertThat(status(ports.get(0), "/ready")).isEqualTo(200);
  }

  @Test
  void aManagementPortInUseStopsTheNodeWithAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      MeshSettings s = settings("busy", taken.getLocalPort(), List.of(taken.getLocalPort()));
      assertThatThrownBy(() -> MeshNode.builder(s).agent(Agent.of("busy")).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cluster.management")
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
  }
}
