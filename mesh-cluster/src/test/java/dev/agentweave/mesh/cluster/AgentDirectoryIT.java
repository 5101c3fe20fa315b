package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's agent directory: three nodes in one JVM (cluster over SPIFFE TLS remoting, each
 * with its gateway and pooled client) find each other's agents without static peers.
 */
class AgentDirectoryIT {
  static final SpiffeId WORKER = SpiffeId.parse("spiffe://test.local/agent/worker");

  record Job(int n) {}

  record Done(int n, String node) {}

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
  private final Map<String, Gateway> gateways = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private MeshNode node(Path dir, String name, String seed, boolean worker) {
    MeshSettings s =
        MeshSettings.parse(
            name,
            """
            agent: {name: %s, trust_domain: test.local, environment: development}
            identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
            authorization:
              provider: allow-list
              allow:
                - {caller: "spiffe://test.local/agent/*", callee: "spiffe://test.local/agent/*", actions: ["*"]}
            cluster: {enabled: true, host: 127.0.0.1, port: 0, seed_nodes: [%s]}
            server: {host: 127.0.0.1, port: 0, graceful_shutdown_seconds: 5}
            """
                .formatted(name, dir.resolve("ca"), seed),
            Map.of());
    List<Agent> agents = new ArrayList<>();
    agents.add(Agent.of(name));
    if (worker) {
      agents.add(
          Agent.of("worker")
              .withCapability(
                  Capability.of(
                      "work",
                      Job.class,
                      Done.class,
                      (ctx, j) -> {
                        servedBy.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                        return new Done(j.n(), name);
                      })));
    }
    IdentitySource ids = IdentitySources.fromSettings(s);
    MeshNode n = MeshNode.builder(s).agents(agents).identities(ids).start();
    toClose.add(ids);
    toClose.add(n);
    gateways.put(name, n.component(Gateway.class).orElseThrow());
    return n;
  }

  @Test
  void agentsAreFoundWhereverTheyRun_callsSpreadOverNodes_andALeavingNodeDropsOut()
      throws Exception {
    Path dir = Files.createTempDirectory("agentweave-directory-it");
    MeshNode a = node(dir, "a", "", false);
    MeshNode b = node(dir, "b", ThreeNodeMesh.seedOf(a), true);
    MeshNode c = node(dir, "c", ThreeNodeMesh.seedOf(a), true);

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
        .containsExactly(gateways.get("c").url());

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
    toClose.remove(c);
    c.close();
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
