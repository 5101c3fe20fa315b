package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentweave card verify} on cards a node signed with its SVIDs. */
class CardCommandIT {
  record Q(String q) {}

  static TestMesh mesh;
  static String card;

  @BeforeAll
  static void start() throws Exception {
    Agent a =
        Agent.of("search").withCapability(Capability.of("find", Q.class, Q.class, (c, q) -> q));
    mesh =
        TestMesh.builder()
            .node("search", n -> n.agent(a).gateway().yaml("a2a: {signing: {enabled: true}}\n"))
            .start();
    HttpClient http = TlsClients.http11(TlsClients.context(mesh.issue("cli"), mesh.root()));
    String url = mesh.node("search").component(Gateway.class).url().toString();
    card =
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/.well-known/agent-card.json"))
                    .header("A2A-Version", "1.0")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void verify_againstTheBundle_namesTheSigner_andRefusesAChangedCard(@TempDir Path dir)
      throws Exception {
    Path bundle = dir.resolve("bundle.pem");
    Pem.write(bundle, Pem.encodeCertificates(List.of(mesh.root())), false);
    Path file = dir.resolve("card.json");
    Files.writeString(file, card);
    CliTest.Run ok = CliTest.run("card", "verify", file.toString(), "--bundle", bundle.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out())
        .contains("VERIFIED: card 'search' signed by spiffe://test.local/agent/search");

    ObjectNode changed = (ObjectNode) new ObjectMapper().readTree(card);
    changed.put("description", "something else");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, changed.toString());
    CliTest.Run no = CliTest.run("card", "verify", bad.toString(), "--bundle", bundle.toString());
    assertThat(no.code()).isEqualTo(1);
    assertThat(no.err()).contains("NOT VERIFIED");

    // another CA's bundle does not vouch for it
    Path other = dir.resolve("other.pem");
    try (TestMesh strangers = TestMesh.builder().node("x").start()) {
      assertThat(strangers.root()).isNotEqualTo(mesh.root());
      Pem.write(other, Pem.encodeCertificates(List.of(strangers.root())), false);
    }
    assertThat(CliTest.run("card", "verify", file.toString(), "--bundle", other.toString()).code())
        .isEqualTo(1);
  }

  @Test
  void usageMistakes_areExitCode2_withWhatWasExpected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("card.json");
    Files.writeString(file, card);
    CliTest.Run none = CliTest.run("card", "verify", file.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--bundle PEM or --key PEM");
    CliTest.Run version = CliTest.run("card", "show", file.toString(), "--a2a-version", "7");
    assertThat(version.code()).isEqualTo(2);
    assertThat(version.err()).contains("expected: 1.0 or 0.3");
    CliTest.Run target = CliTest.run("card", "show", "Not A Target!");
    assertThat(target.code()).isEqualTo(2);
    CliTest.Run shown = CliTest.run("card", "show", file.toString());
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains("\"signatures\"");
  }
}
