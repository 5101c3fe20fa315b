package dev.agentweave.mesh.cluster;

import static dev.agentweave.mesh.cluster.AuthzFixtures.INDEXER;
import static dev.agentweave.mesh.cluster.AuthzFixtures.ORCHESTRATOR;
import static dev.agentweave.mesh.cluster.AuthzFixtures.ORCHESTRATOR_ONLY;
import static dev.agentweave.mesh.cluster.AuthzFixtures.SEARCH;
import static dev.agentweave.mesh.cluster.AuthzFixtures.all;
import static dev.agentweave.mesh.cluster.AuthzFixtures.authz;
import static dev.agentweave.mesh.cluster.AuthzFixtures.check;
import static dev.agentweave.mesh.cluster.AuthzFixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.authz.DecisionCache;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.testkit.TestMesh;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Three mesh nodes in one JVM, a real Pekko Cluster over SPIFFE TLS remoting, Cedar behind near
 * caches coordinated by the cluster-singleton authorization coordinator (ADR 0003).
 */
class AuthzCoordinationIT {

  @Test
  void decisionsComeFromTheSingleton_andInvalidationsReachEveryNearCache() throws Exception {
    // Only node a, which hosts the singleton, permits the orchestrator; the policies of b and c
    // permit nothing. An allow on b or c can only have been decided by the coordinator on a.
    try (TestMesh mesh = AuthzFixtures.threeNodes(ORCHESTRATOR_ONLY, "", "")) {
      String versionOfA = authz(node(mesh, "a")).localEngine().policyVersion();
      assertThat(authz(node(mesh, "b")).localEngine().policyVersion()).isNotEqualTo(versionOfA);
      for (MeshNode n : all(mesh)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> check(n, ORCHESTRATOR, SEARCH, "search").allowed());
        AuthzDecision d = check(n, ORCHESTRATOR, INDEXER, "query");
        assertThat(d.allowed()).isTrue();
        assertThat(d.policyVersion()).isEqualTo(versionOfA);
        assertThat(check(n, SEARCH, INDEXER, "query").allowed()).isFalse();
        assertThat(authz(n).cache().stats().size()).isEqualTo(3);
      }
      // Invalidating on one node reaches the near caches of all three.
      authz(node(mesh, "c")).invalidate(SpiffeIdPattern.of(SEARCH.toString()));
      for (MeshNode n : all(mesh)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> authz(n).cache().stats().size() == 1);
      }
      // A clear reaches every node too.
      authz(node(mesh, "b")).clear("test");
      for (MeshNode n : all(mesh)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> authz(n).cache().stats().size() == 0);
      }
      // So does a policy change on a node that does not host the coordinator.
      for (MeshNode n : all(mesh)) {
        assertThat(check(n, ORCHESTRATOR, SEARCH, "search").allowed()).isTrue();
        assertThat(authz(n).cache().stats().size()).isEqualTo(1);
      }
      Files.writeString(mesh.node("c").policyFile(), "// still nothing permitted\n");
      for (MeshNode n : all(mesh)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> authz(n).cache().stats().size() == 0);
      }
    }
  }

  @Test
  void aNearCacheThatMissedABroadcast_dropsDecisionsOfAnotherVersionAtTheNextAnnouncement()
      throws Exception {
    try (TestMesh mesh = AuthzFixtures.threeNodes(ORCHESTRATOR_ONLY, "", "")) {
      String versionOfA = authz(node(mesh, "a")).localEngine().policyVersion();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> check(node(mesh, "c"), ORCHESTRATOR, SEARCH, "search").allowed());
      // A decision of a version no coordinator announces, as if c had missed the clear that
      // followed a policy change: no broadcast drops it; the periodic announcement does.
      authz(node(mesh, "c"))
          .cache()
          .get(
              new DecisionCache.Key(ORCHESTRATOR, INDEXER, "query"),
              () ->
                  java.util.concurrent.CompletableFuture.completedFuture(
                      new AuthzDecision(true, "decided under an old policy", "old-version")))
          .get();
      assertThat(authz(node(mesh, "c")).cache().stats().size()).isEqualTo(2);
      await()
          .atMost(CachingAuthorizer.POLICY_ANNOUNCE_INTERVAL.multipliedBy(4))
          .until(() -> authz(node(mesh, "c")).cache().stats().size() == 1);
      AuthzDecision kept = check(node(mesh, "c"), ORCHESTRATOR, SEARCH, "search");
      assertThat(kept.allowed()).isTrue();
      assertThat(kept.policyVersion()).isEqualTo(versionOfA);
    }
  }

  @Test
  void aNodeAloneIsAOneNodeCluster_withTheCoordinatorLocal() throws Exception {
    try (TestMesh mesh =
        TestMesh.builder().cluster().node("alone", n -> n.cedar(ORCHESTRATOR_ONLY)).start()) {
      MeshNode alone = node(mesh, "alone");
      assertThat(authz(alone).engine()).isNotSameAs(authz(alone).localEngine());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> check(alone, ORCHESTRATOR, SEARCH, "search").allowed());
      assertThat(check(alone, SEARCH, INDEXER, "query").allowed()).isFalse();
      assertThat(authz(alone).cache().stats().size()).isEqualTo(2);
      // The local invalidation applies at once; the coordinator's broadcast comes back to the
      // same node and finds nothing more to drop.
      assertThat(authz(alone).invalidate(SpiffeIdPattern.of(INDEXER.toString()))).isEqualTo(1);
      assertThat(authz(alone).cache().stats().size()).isEqualTo(1);
      assertThat(check(alone, ORCHESTRATOR, SEARCH, "search").allowed()).isTrue();
    }
  }
}
