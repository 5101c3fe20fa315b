package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.testkit.TestMesh;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with a client we did not write: the official A2A JavaScript SDK ({@code @a2a-js/sdk},
 * 1.3.0 for A2A 1.0 and 0.3.14 for A2A 0.3, installed into {@code tools/a2a-js} by CI) discovers
 * the node's default agent by its card, sends it a message, streams one, reads the task back and
 * gets its typed "task not found" error, over mutual TLS with a certificate of the node's dev CA.
 */
class A2aJsSdkIT {
  record Query(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  static TestMesh mesh;
  static Path credentials;

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withDescription("Finds documents")
            .withCapability(
                Capability.of(
                    "search",
                    Query.class,
                    Hits.class,
                    (ctx, q) -> {
                      if (q.query().isBlank()) {
                        throw new CapabilityException("query must not be blank");
                      }
                      return new Hits(q.query(), List.of(q.query().toUpperCase(Locale.ROOT)));
                    }))
            .withTextCapability("search", text -> new Query(text, 10));
    mesh =
        TestMesh.builder()
            .node(
                "search",
                n ->
                    n.agent(search)
                        .gateway()
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "spiffe://test.local/agent/js", callee: "spiffe://test.local/agent/search", actions: [search]}
                            """))
            .start();
    credentials = Files.createTempDirectory("a2a-js");
    X509Svid svid = mesh.issue("js");
    Pem.write(credentials.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
    Pem.write(credentials.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
    Pem.write(
        credentials.resolve("bundle.pem"), Pem.encodeCertificates(List.of(mesh.root())), false);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "0.3"})
  void theOfficialJavaScriptSdk_discoversSendsStreamsAndReadsTasks(String version)
      throws Exception {
    Path tool = Path.of("..", "tools", "a2a-js").toAbsolutePath().normalize();
    boolean installed = Files.isDirectory(tool.resolve("node_modules").resolve("a2a-sdk-10"));
    if (System.getenv("CI") == null) {
      assumeTrue(
          installed, "the A2A JavaScript SDK is not installed (CI installs it; see .ci/run)");
    }
    assertThat(installed).as("tools/a2a-js/node_modules (CI installs it)").isTrue();
    String url = mesh.node("search").component(Gateway.class).url().toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                "client.mjs",
                version,
                url,
                credentials.resolve("svid.pem").toString(),
                credentials.resolve("svid.key").toString(),
                credentials.resolve("bundle.pem").toString()));
    Process p =
        new ProcessBuilder(command).directory(tool.toFile()).redirectErrorStream(true).start();
    String out;
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the SDK client finished").isTrue();
      out = read(p);
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("card \"search\"")
        .contains("send [\"CIRCUIT BREAKERS\"]")
        .contains("get [\"BACKPRESSURE\"]")
        .contains("unknown ")
        .contains("OK " + version);
  }

  private static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
