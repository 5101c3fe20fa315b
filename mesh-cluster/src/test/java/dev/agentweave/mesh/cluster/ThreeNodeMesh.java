package dev.agentweave.mesh.cluster;

import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Three mesh nodes a, b and c in one JVM: a real Pekko Cluster over SPIFFE TLS remoting with one
 * dev CA, each node with Cedar and its own policy file. Node a starts first, so it is the oldest
 * member and hosts the cluster singletons. Closing stops the nodes still running, newest first.
 */
final class ThreeNodeMesh implements AutoCloseable {
  static final SpiffeId ORCHESTRATOR = SpiffeId.parse("spiffe://test.local/agent/orchestrator");
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://test.local/agent/search");
  static final SpiffeId INDEXER = SpiffeId.parse("spiffe://test.local/agent/indexer");

  /** Permits the orchestrator everything, nobody else anything. */
  static final String ORCHESTRATOR_ONLY =
      "permit(principal == Agent::\"spiffe://test.local/agent/orchestrator\", action, resource);\n";

  private final List<MeshNode> running = new ArrayList<>();
  private final Path dir;
  final MeshNode a;
  final MeshNode b;
  final MeshNode c;

  /**
   * Starts the three nodes and waits until each sees all three up.
   *
   * @param policyA the Cedar policies of node a
   * @param policyB the Cedar policies of node b
   * @param policyC the Cedar policies of node c
   */
  ThreeNodeMesh(String policyA, String policyB, String policyC) throws Exception {
    dir = Files.createTempDirectory("agentweave-authz-cluster-it");
    try {
      a = node(dir, "a", "", policyA);
      await().atMost(Duration.ofSeconds(60)).until(() -> up(a) == 1);
      String seed = seedOf(a);
      b = node(dir, "b", seed, policyB);
      c = node(dir, "c", seed, policyC);
      await().atMost(Duration.ofSeconds(60)).until(() -> up(a) == 3 && up(b) == 3 && up(c) == 3);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The Cedar policy file of a node; the node reloads it when it changes. */
  Path policyFile(MeshNode n) {
    return dir.resolve(n.settings().agent().name() + ".cedar");
  }

  List<MeshNode> all() {
    return List.of(a, b, c);
  }

  private MeshNode node(Path dir, String name, String seed, String policy) throws Exception {
    MeshNode n = start(dir, name, seed, policy);
    running.add(n);
    return n;
  }

  /**
   * Starts one cluster node with Cedar.
   *
   * @param dir holds the dev CA and the policy file
   * @param name the node (and agent) name
   * @param seed the quoted seed address, or empty to form a cluster alone
   * @param policy the Cedar policies
   */
  static MeshNode start(Path dir, String name, String seed, String policy) throws Exception {
    Path policyFile = dir.resolve(name + ".cedar");
    Files.writeString(policyFile, policy);
    MeshSettings s =
        MeshSettings.parse(
            name,
            """
            agent: {name: %s, trust_domain: test.local, environment: development}
            identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
            authorization:
              provider: cedar
              cedar: {policy_file: "%s"}
              audit: {enabled: false}
            cluster: {enabled: true, host: 127.0.0.1, port: 0, seed_nodes: [%s]}
            server: {enabled: false, graceful_shutdown_seconds: 5}
            """
                .formatted(name, dir.resolve("ca"), policyFile, seed),
            Map.of());
    return MeshNode.builder(s).agent(Agent.of(name)).start();
  }

  /** A running node as a quoted seed address for {@code cluster.seed_nodes}. */
  static String seedOf(MeshNode n) {
    return "\"127.0.0.1:"
        + Cluster.get(n.actorSystem()).selfMember().address().getPort().get()
        + "\"";
  }

  /** Members this node sees as up. */
  static long up(MeshNode n) {
    return StreamSupport.stream(
            Cluster.get(n.actorSystem()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  static AuthzDecision check(MeshNode n, SpiffeId caller, SpiffeId callee, String action)
      throws Exception {
    return n.checkAuthorization(caller, callee, action)
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  static CachingAuthorizer authz(MeshNode n) {
    return n.authorizer(CachingAuthorizer.class).orElseThrow();
  }

  /** Stops one node now (it leaves the cluster). */
  void stop(MeshNode n) {
    running.remove(n);
    n.close();
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    running.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
