package dev.agentweave.mesh.cluster;

import static dev.agentweave.mesh.cluster.ThreeNodeMesh.INDEXER;
import static dev.agentweave.mesh.cluster.ThreeNodeMesh.ORCHESTRATOR;
import static dev.agentweave.mesh.cluster.ThreeNodeMesh.ORCHESTRATOR_ONLY;
import static dev.agentweave.mesh.cluster.ThreeNodeMesh.SEARCH;
import static dev.agentweave.mesh.cluster.ThreeNodeMesh.authz;
import static dev.agentweave.mesh.cluster.ThreeNodeMesh.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.spi.AuthzDecision;
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
    try (ThreeNodeMesh mesh =
        new ThreeNodeMesh(ORCHESTRATOR_ONLY, ORCHESTRATOR_ONLY, ORCHESTRATOR_ONLY)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> check(mesh.b, ORCHESTRATOR, SEARCH, "search").allowed());
      long missesBefore = authz(mesh.b).cache().stats().misses();

      mesh.stop(mesh.a); // the oldest node hosts the singleton; it hands over as the node leaves

      // The near cache answers without the singleton; the singleton's new home runs the same
      // policy version, so its announcement keeps the entry.
      AuthzDecision hit = check(mesh.b, ORCHESTRATOR, SEARCH, "search");
      assertThat(hit.allowed()).isTrue();
      assertThat(authz(mesh.b).cache().stats().misses()).isEqualTo(missesBefore);

      // A new question is decided once the singleton runs on a remaining node; until then a miss
      // is denied after the decision timeout, saying why (fail closed), and not cached.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                AuthzDecision d = check(mesh.b, ORCHESTRATOR, INDEXER, "query");
                if (!d.allowed()) {
                  assertThat(d.reason()).contains("fail closed");
                }
                return d.allowed();
              });
      assertThat(check(mesh.c, ORCHESTRATOR, INDEXER, "query").allowed()).isTrue();
    }
  }
}
