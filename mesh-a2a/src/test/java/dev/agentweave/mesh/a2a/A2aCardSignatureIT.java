package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node that signs its agent cards with each agent's SVID: the signature carries the SVID's chain
 * in {@code x5c}, chains to the trust bundle, names the agent's SPIFFE ID, and verifies with the
 * official JavaScript SDK's own verifier; a changed card does not.
 */
class A2aCardSignatureIT {
  static final ObjectMapper JSON = new ObjectMapper();

  record Query(String query, int limit) {}

  static TestMesh mesh;
  static HttpClient client;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withDescription("Finds documents, including \u00e9t\u00e9 and \u2028 separators")
            .withProvider("AgentWeave tests", "https://example.org")
            .withCapability(
                Capability.of("search", Query.class, Query.class, (ctx, q) -> q)
                    .withTags("search")
                    .withExamples("find \"quoted\" text"));
    mesh =
        TestMesh.builder()
            .node(
                "search", n -> n.agent(search).gateway().yaml("a2a: {signing: {enabled: true}}\n"))
            .start();
    url = mesh.node("search").component(Gateway.class).url().toString();
    client = TlsClients.http11(TlsClients.context(mesh.issue("reader"), mesh.root()));
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  static JsonNode card(String version) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url + "/.well-known/agent-card.json"))
                .header("A2A-Version", version)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void theSignatureNamesTheAgent_chainsToTheBundle_andVerifiesInTheJavaScriptSdk()
      throws Exception {
    JsonNode card = card("1.0");
    JsonNode signature = card.get("signatures").get(0);
    JsonNode header =
        JSON.readTree(Base64.getUrlDecoder().decode(signature.get("protected").asText()));
    assertThat(header.get("alg").asText()).isEqualTo("ES256");
    assertThat(header.get("typ").asText()).isEqualTo("JOSE");
    assertThat(header.get("kid").asText()).isNotEmpty();
    X509Certificate leaf =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        Base64.getDecoder().decode(header.get("x5c").get(0).asText())));
    leaf.verify(mesh.root().getPublicKey());
    assertThat(leaf.getSubjectAlternativeNames().toString())
        .contains("spiffe://test.local/agent/search");
    // the 0.3 shape is signed as well
    assertThat(card("0.3").get("signatures")).hasSize(1);

    Path tool = Path.of("..", "tools", "a2a-js").toAbsolutePath().normalize();
    boolean installed = Files.isDirectory(tool.resolve("node_modules").resolve("a2a-sdk-10"));
    if (System.getenv("CI") == null) {
      assumeThat(installed).as("the A2A JavaScript SDK (CI installs it)").isTrue();
    }
    assertThat(installed).as("tools/a2a-js/node_modules (CI installs it)").isTrue();
    Path dir = Files.createTempDirectory("signed-card");
    Path signed = dir.resolve("card.json");
    Files.writeString(signed, card.toString());
    assertThat(verify(tool, signed)).contains("VERIFIED").doesNotContain("NOT VERIFIED");

    ObjectNode changed = card.deepCopy();
    changed.put("description", "Finds nothing");
    Path tampered = dir.resolve("tampered.json");
    Files.writeString(tampered, changed.toString());
    // the SDK logs each entry that fails before its verdict
    assertThat(verify(tool, tampered)).contains("NOT VERIFIED: No valid signatures");
  }

  private static String verify(Path tool, Path card) throws Exception {
    Process p =
        new ProcessBuilder(List.of("node", "verify-card.mjs", card.toString()))
            .directory(tool.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
  }
}
