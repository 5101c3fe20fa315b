package dev.agentweave.mesh.cluster;

import static dev.agentweave.mesh.cluster.AuthzFixtures.INDEXER;
import static dev.agentweave.mesh.cluster.AuthzFixtures.ORCHESTRATOR;
import static dev.agentweave.mesh.cluster.AuthzFixtures.ORCHESTRATOR_ONLY;
import static dev.agentweave.mesh.cluster.AuthzFixtures.SEARCH;
import static dev.agentweave.mesh.cluster.AuthzFixtures.authz;
import static dev.agentweave.mesh.cluster.AuthzFixtures.check;
import static dev.agentweave.mesh.cluster.AuthzFixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.testkit.TestMesh;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Hand-over of the authorization coordinator: three mesh nodes in one JVM over SPIFFE TLS remoting;
 * the singleton's node leaves (ADR 0003).
 */
class AuthzFailoverIT {

  @Test
  void whenTheSingletonsNodeLeaves_nearCachesKeepServing_andANewSingletonDecides()
      throws Exception {
    try (TestMesh mesh =
        AuthzFixtures.threeNodes(ORCHESTRATOR_ONLY, ORCHESTRATOR_ONLY, ORCHESTRATOR_ONLY)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> check(node(mesh, "b"), ORCHESTRATOR, SEARCH, "search").allowed());
      long missesBefore = authz(node(mesh, "b")).cache().stats().misses();

      mesh.stop("a"); // the oldest node hosts the singleton; it hands over as the node leaves

      // The near cache answers without the singleton; the singleton's new home runs the same
      // policy version, so its announcement keeps the entry.
      AuthzDecision hit = check(node(mesh, "b"), ORCHESTRATOR, SEARCH, "search");
      assertThat(hit.allowed()).isTrue();
      assertThat(authz(node(mesh, "b")).cache().stats().misses()).isEqualTo(missesBefore);

      // A new question is decided once the singleton runs on a remaining node; until then a miss
      // is denied after the decision timeout, saying why (fail closed), and not cached.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                AuthzDecision d = check(node(mesh, "b"), ORCHESTRATOR, INDEXER, "query");
                if (!d.allowed()) {
                  assertThat(d.reason()).contains("fail closed");
                }
                return d.allowed();
              });
      assertThat(check(node(mesh, "c"), ORCHESTRATOR, INDEXER, "query").allowed()).isTrue();
    }
  }
}
