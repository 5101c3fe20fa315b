package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.testkit.NodeProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentweave node --profile DIR --flame cpu} on a real process under load. */
class NodeProfilingIT {
  @TempDir Path dir;

  @Test
  void aProfiledNode_writesItsJfrRecordingAndFlameGraph_whenItStops() throws Exception {
    Path config = SampleNodeConfigs.searchNode(dir, 0, "graceful_shutdown_seconds: 2", "tester");
    Path profiles = dir.resolve("profiles");
    NodeProcess p =
        NodeProcess.builder(dir, "node")
            .args(
                "node",
                "--config",
                config.toString(),
                "--profile",
                profiles.toString(),
                "--flame",
                "cpu")
            .start();
    try {
      URI url = p.awaitReady(Duration.ofSeconds(60)).orElseThrow();
      Path creds = dir.resolve("tester");
      CliTest.Run load =
          CliTest.run(
              "bench",
              url.toString(),
              "-n",
              "3000",
              "-c",
              "8",
              "--warmup",
              "0",
              "--no-progress",
              "--cert",
              creds.resolve("svid.pem").toString(),
              "--key",
              creds.resolve("svid.key").toString(),
              "--ca",
              creds.resolve("bundle.pem").toString());
      assertThat(load.code()).as(load.err() + load.out()).isZero();
      p.terminate();
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.log()).isZero();
      assertThat(p.log()).contains("profiling: JFR to").contains("profiling: wrote");
    } finally {
      p.close();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(profiles)) {
      files = s.sorted().toList();
    }
    Path jfr = files.stream().filter(f -> f.toString().endsWith(".jfr")).findFirst().orElseThrow();
    Path html =
        files.stream().filter(f -> f.toString().endsWith("-cpu.html")).findFirst().orElseThrow();
    assertThat(jfr.getFileName().toString()).startsWith("search-");
    long samples = 0;
    boolean ours = false;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (e.getEventType().getName().equals("jdk.ExecutionSample")) {
        samples++;
        ours |=
            e.getStackTrace() != null
                && e.getStackTrace().getFrames().stream()
                    .anyMatch(f -> f.getMethod().getType().getName().startsWith("dev.agentweave"));
      }
    }
    assertThat(samples).as("JFR execution samples").isPositive();
    assertThat(ours).as("a sample in the framework's code").isTrue();
    String flame = Files.readString(html);
    // async-profiler's HTML flame graph: its title, and its frames (prefix-compressed names).
    assertThat(flame).contains("<h1>agentweave node</h1>").contains("cpool");
    assertThat(Files.size(html)).isGreaterThan(10_000);
  }

  @Test
  void badProfilingOptions_areRefusedBeforeTheNodeStarts() throws Exception {
    Path config = SampleNodeConfigs.searchNode(dir, 0, "graceful_shutdown_seconds: 1");
    CliTest.Run noDir = CliTest.run("node", "--config", config.toString(), "--flame", "cpu");
    assertThat(noDir.code()).isEqualTo(2);
    assertThat(noDir.err()).contains("--flame: needs --profile DIR");
    CliTest.Run badEvent =
        CliTest.run(
            "node",
            "--config",
            config.toString(),
            "--profile",
            dir.resolve("p").toString(),
            "--flame",
            "cycles");
    assertThat(badEvent.code()).isEqualTo(2);
    assertThat(badEvent.err()).contains("--flame: 'cycles' (expected: cpu, alloc, wall or lock)");
    Files.writeString(dir.resolve("file"), "x");
    CliTest.Run notADir =
        CliTest.run(
            "node", "--config", config.toString(), "--profile", dir.resolve("file").toString());
    assertThat(notADir.code()).isEqualTo(2);
    assertThat(notADir.err()).contains("--profile " + dir.resolve("file") + ": cannot create");
  }
}
