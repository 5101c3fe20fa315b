package dev.agentweave.mesh.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kit's cluster: three members in the test JVM, one leaving, one joining later. */
class ClusterMeshIT {
  @Test
  void threeMembersFormOneCluster_oneLeaves_andANewOneJoins() throws Exception {
    try (TestMesh mesh =
        TestMesh.builder()
            .cluster()
            .cedar("permit(principal, action, resource);\n")
            .node("a")
            .node("b")
            .node("c", n -> n.cedar("forbid(principal, action, resource);\n"))
            .start()) {
      // start() returned: every node sees all three up.
      assertThat(mesh.nodes()).allSatisfy(n -> assertThat(n.upMembers()).isEqualTo(3));
      TestNode a = mesh.node("a");
      // Each node loaded its own policy file; the coordinator on the oldest member (a, the
      // first declared) decides for all, so c's forbid-all is not in force.
      TestNode c = mesh.node("c");
      assertThat(Files.readString(c.policyFile())).startsWith("forbid");
      assertThat(engineVersion(c)).isNotEqualTo(engineVersion(a));
      assertThat(decision(mesh, a).allowed()).isTrue();
      assertThat(decision(mesh, c).allowed()).isTrue();

      mesh.stop("b");
      mesh.awaitMembers(2);

      TestNode d = mesh.add("d", n -> {});
      assertThat(d.upMembers()).isEqualTo(3);
      assertThat(mesh.nodes()).extracting(TestNode::name).containsExactly("a", "c", "d");
    }
  }

  private static String engineVersion(TestNode n) {
    return n.node().authorizer(CachingAuthorizer.class).orElseThrow().localEngine().policyVersion();
  }

  private static AuthzDecision decision(TestMesh mesh, TestNode n) throws Exception {
    return n.node()
        .checkAuthorization(mesh.id("x"), mesh.id(n.name()), "anything")
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }
}
