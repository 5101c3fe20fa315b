package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.samples.SampleAgents;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The locustfile of docs/load-testing.md, run by locust (Debian's python3-locust, which .ci/run
 * installs) against a real gateway over mutual TLS, with a client certificate from the mesh's CA.
 */
class LocustfileIT {
  @TempDir Path dir;

  private static boolean onPath(String tool) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(p, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theDocumentedLocustfile_loadsTheGateway_withoutAFailure() throws Exception {
    // In CI locust must be there; elsewhere the test needs it installed.
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(onPath("locust"), "locust is not installed (apt-get install python3-locust)");
    }
    Path locustfile = Path.of("..", "tools", "locust", "locustfile.py");
    assertThat(Files.readString(Path.of("..", "docs", "load-testing.md")))
        .as("docs/load-testing.md shows tools/locust/locustfile.py as it is")
        .contains(Files.readString(locustfile).strip());
    try (TestMesh mesh =
        TestMesh.builder()
            .node(
                "gw",
                n -> n.agentName("search").agents(SampleAgents.all(dir.resolve("files"))).gateway())
            .start()) {
      Path credentials = dir.resolve("locust");
      Files.createDirectories(credentials);
      X509Svid svid = mesh.issue("locust");
      Pem.write(credentials.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
      Pem.write(credentials.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
      Pem.write(
          credentials.resolve("bundle.pem"), Pem.encodeCertificates(List.of(mesh.root())), false);
      ProcessBuilder pb =
          new ProcessBuilder(
                  "locust",
                  "-f",
                  locustfile.toString(),
                  "--host",
                  mesh.node("gw").gatewayUrl().toString(),
                  "--headless",
                  "-u",
                  "4",
                  "-r",
                  "4",
                  "-t",
                  "4s",
                  "--only-summary",
                  "--csv",
                  dir.resolve("run").toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("locust.log").toFile());
      pb.environment().put("AGENTWEAVE_CREDENTIALS", credentials.toString());
      Process p = pb.start();
      boolean ended = p.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String log = Files.readString(dir.resolve("locust.log"), StandardCharsets.UTF_8);
      assertThat(ended).as(log).isTrue();
      assertThat(p.exitValue()).as(log).isZero();
      List<String> rows = Files.readAllLines(dir.resolve("run_stats.csv"));
      String aggregated =
          rows.stream().filter(r -> r.contains(",Aggregated,")).findFirst().orElseThrow();
      String[] cells = aggregated.split(",");
      assertThat(Long.parseLong(cells[2])).as("requests").isGreaterThan(100);
      assertThat(Long.parseLong(cells[3])).as("failures").isZero();
      assertThat(rows).anyMatch(r -> r.startsWith("POST,search,"));
      assertThat(rows).anyMatch(r -> r.startsWith("POST,process,"));
    }
  }
}
