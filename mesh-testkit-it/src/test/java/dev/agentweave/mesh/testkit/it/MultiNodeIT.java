package dev.agentweave.mesh.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi-node test of docs/testing.md: three nodes in the test JVM, one serving a gateway, two
 * calling it over mutual TLS, Cedar deciding who may.
 */
class MultiNodeIT {
  record Query(String text) {}

  record Hits(String text, String caller) {}

  static final String POLICY =
      """
      permit(
        principal == Agent::"spiffe://test.local/agent/orchestrator",
        action == Action::"search",
        resource == Agent::"spiffe://test.local/agent/search");
      """;

  static Agent search() {
    return Agent.of("search")
        .withCapability(
            Capability.of(
                "search",
                Query.class,
                Hits.class,
                (ctx, q) -> new Hits(q.text(), ctx.caller().toString())));
  }

  static TestMesh mesh;

  @BeforeAll
  static void start() {
    mesh =
        TestMesh.builder()
            .cedar(POLICY)
            .node("search", n -> n.agent(search()).gateway())
            .node("orchestrator", n -> n.peers("search"))
            .node("stranger", n -> n.peers("search"))
            .start();
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  @Test
  void thePermittedCaller_isServedAcrossNodes() throws Exception {
    Hits hits =
        mesh.node("orchestrator")
            .ref("search")
            .ask("search", new Query("pekko"), Hits.class)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertThat(hits.text()).isEqualTo("pekko");
    assertThat(hits.caller()).isEqualTo("spiffe://test.local/agent/orchestrator");
  }

  @Test
  void anotherCaller_isDeniedByThePolicy() {
    assertThatThrownBy(
            () ->
                mesh.node("stranger")
                    .ref("search")
                    .ask("search", new Query("pekko"), Hits.class)
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PermissionDeniedException.class);
  }

  @Test
  void aClientOutsideTheMesh_presentsACertificateOfTheDevCa() throws Exception {
    HttpClient client = TlsClients.http11(TlsClients.context(mesh.issue("outsider"), mesh.root()));
    HttpResponse<String> whoami =
        client.send(
            HttpRequest.newBuilder(mesh.node("search").gatewayUrl().resolve("/whoami")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(whoami.body()).contains("spiffe://test.local/agent/outsider");
    assertThat(mesh.node("search").component(Gateway.class).url())
        .isEqualTo(mesh.node("search").gatewayUrl());
  }
}
