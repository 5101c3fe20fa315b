package dev.agentweave.mesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.PermissionDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The mesh with mesh-core and mesh-identity only: nodes in the JVM, no gateway, no cluster. */
class TestMeshTest {
  static Agent echo() {
    return Agent.of("echo")
        .withCapability(
            Capability.of(
                "echo",
                Map.class,
                Map.class,
                (ctx, m) -> Map.of("caller", ctx.caller().toString())));
  }

  @Test
  void twoNodesInOneJvm_eachWithItsOwnAgents_andTheAllowListOfTheTrustDomain() throws Exception {
    try (TestMesh mesh = TestMesh.builder().node("a", n -> n.agent(echo())).node("b").start()) {
      assertThat(mesh.nodes()).extracting(TestNode::name).containsExactly("a", "b");
      TestNode a = mesh.node("a");
      assertThat(a.node().settings().agent().trustDomain()).isEqualTo(TestMesh.TRUST_DOMAIN);
      assertThat(a.node().agents()).hasSize(2); // echo and the default agent "a"

      Map<?, ?> answer =
          a.ref("echo")
              .ask("echo", Map.of(), Map.class)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(answer.get("caller")).isEqualTo("spiffe://test.local/agent/a");
      assertThat(mesh.node("b").upMembers()).isZero();
    }
  }

  @Test
  void yamlOfTheMeshAndOfANode_mergeOverTheKitsSettings() throws Exception {
    try (TestMesh mesh =
        TestMesh.builder()
            .trustDomain("example.org")
            .yaml("agent: {description: from the mesh}\nauthorization: {allow: []}")
            .node("a", n -> n.agent(echo()).yaml("agent: {description: from node a}"))
            .node("b", n -> {})
            .start()) {
      assertThat(mesh.node("a").node().settings().agent().description()).isEqualTo("from node a");
      assertThat(mesh.node("b").node().settings().agent().description()).isEqualTo("from the mesh");
      assertThat(mesh.id("echo").toString()).isEqualTo("spiffe://example.org/agent/echo");
      // The mesh's empty allow list replaced the kit's: nobody may call anybody.
      assertThatThrownBy(
              () ->
                  mesh.node("a")
                      .ref("echo")
                      .ask("echo", Map.of(), Map.class)
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PermissionDeniedException.class);
    }
  }

  @Test
  void theDevCaIssuesClientCertificatesOfTheTrustDomain_andCloseDeletesTheDirectory() {
    Path dir;
    try (TestMesh mesh = TestMesh.builder().node("a").start()) {
      dir = mesh.directory();
      var svid = mesh.issue("outsider");
      assertThat(svid.id()).isEqualTo(mesh.id("outsider"));
      assertThat(svid.chain().get(svid.chain().size() - 1).getIssuerX500Principal())
          .isEqualTo(mesh.root().getSubjectX500Principal());
      assertThat(mesh.node("a").identities().svid(mesh.id("a")).id()).isEqualTo(mesh.id("a"));
      assertThat(Files.isDirectory(dir.resolve("ca"))).isTrue();
    }
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void stoppingANode_andAddingOne() {
    try (TestMesh mesh = TestMesh.builder().node("a").node("b").start()) {
      mesh.stop("b");
      assertThat(mesh.nodes()).extracting(TestNode::name).containsExactly("a");
      TestNode c = mesh.add("c", n -> n.agent(echo()));
      assertThat(mesh.nodes()).extracting(TestNode::name).containsExactly("a", "c");
      assertThat(c.node().agents()).hasSize(2);
      assertThatThrownBy(() -> mesh.add("a", n -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has a node a already");
    }
  }

  @Test
  void aPeerOfItsOwn_isAnEntryOfTransportPeers() {
    try (TestMesh mesh =
        TestMesh.builder()
            .node("a", n -> n.peer("ghost", "https://127.0.0.1:9", "https://127.0.0.1:10"))
            .start()) {
      var peers = mesh.node("a").node().settings().transport().peers();
      assertThat(peers).hasSize(1);
      assertThat(peers.get(0).spiffeId()).isEqualTo(mesh.id("ghost"));
      assertThat(peers.get(0).urls())
          .extracting(Object::toString)
          .containsExactly("https://127.0.0.1:9", "https://127.0.0.1:10");
    }
    assertThatThrownBy(() -> TestMesh.builder().node("a", n -> n.peer("ghost")).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer ghost needs at least one URL");
  }

  @Test
  void misconfigurations_areNamedErrors_andNothingKeepsRunning() {
    assertThatThrownBy(() -> TestMesh.builder().start()).hasMessageContaining("at least one node");
    assertThatThrownBy(() -> TestMesh.builder().node("a", n -> n.peers("b")).node("b").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a peers with b, which is no node of the mesh with a gateway");
    assertThatThrownBy(() -> TestMesh.builder().process("p", n -> n.agent(echo())).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use hosts(...)");
    assertThatThrownBy(() -> TestMesh.builder().node("a", n -> n.hosts("search")).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hosts(...) names agents of a node process");
    try (TestMesh mesh = TestMesh.builder().node("a").start()) {
      assertThatThrownBy(() -> mesh.node("zz")).hasMessageContaining("no node zz");
      assertThatThrownBy(() -> mesh.process("zz")).hasMessageContaining("no node process zz");
      assertThatThrownBy(() -> mesh.node("a").gatewayUrl())
          .hasMessageContaining("serves no gateway");
      assertThatThrownBy(() -> mesh.node("a").policyFile()).hasMessageContaining("no Cedar policy");
    }
  }
}
