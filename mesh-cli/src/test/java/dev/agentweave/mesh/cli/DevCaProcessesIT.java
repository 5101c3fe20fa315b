package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes that open one dev CA directory at the same moment share one CA. */
class DevCaProcessesIT {
  @TempDir Path dir;

  @Test
  void processesStartingTogether_createOneCa() throws Exception {
    Path ca = dir.resolve("ca");
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  AgentWeaveCli.class.getName(),
                  "ca",
                  "issue",
                  "--spiffe-id",
                  "spiffe://example.org/agent/a" + i,
                  "--out",
                  dir.resolve("out" + i).toString(),
                  "--ca-dir",
                  ca.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("p" + i + ".log").toFile())
              .start());
    }
    for (Process p : processes) {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }
    String bundle = Files.readString(dir.resolve("out0").resolve("bundle.pem"));
    for (int i = 1; i < 4; i++) {
      assertThat(Files.readString(dir.resolve("out" + i).resolve("bundle.pem")))
          .as("bundle of process %d", i)
          .isEqualTo(bundle);
    }
    assertThat(Files.readString(ca.resolve("ca.pem"))).isEqualTo(bundle);
  }
}
