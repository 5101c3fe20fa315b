package dev.agentweave.mesh.cluster;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agents and policies of the authorization cluster tests, on a three-node TestMesh. */
final class AuthzFixtures {
  static final SpiffeId ORCHESTRATOR = SpiffeId.parse("spiffe://test.local/agent/orchestrator");
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://test.local/agent/search");
  static final SpiffeId INDEXER = SpiffeId.parse("spiffe://test.local/agent/indexer");

  /** Permits the orchestrator everything, nobody else anything. */
  static final String ORCHESTRATOR_ONLY =
      "permit(principal == Agent::\"spiffe://test.local/agent/orchestrator\", action, resource);\n";

  private AuthzFixtures() {}

  /**
   * Nodes a, b and c in one cluster, each deciding with Cedar and its own policies; a starts first,
   * so it is the oldest member and hosts the cluster singletons.
   */
  static TestMesh threeNodes(String policyA, String policyB, String policyC) {
    return TestMesh.builder()
        .cluster()
        .node("a", n -> n.cedar(policyA))
        .node("b", n -> n.cedar(policyB))
        .node("c", n -> n.cedar(policyC))
        .start();
  }

  static List<MeshNode> all(TestMesh mesh) {
    return mesh.nodes().stream().map(TestNode::node).toList();
  }

  static MeshNode node(TestMesh mesh, String name) {
    return mesh.node(name).node();
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
}
