package dev.agentweave.mesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeProcessTest {
  @TempDir Path dir;

  private NodeProcess start(String mode) {
    return NodeProcess.builder(dir, "fixture-" + mode)
        .mainClass(ProcessFixture.class.getName())
        .heap("64m")
        .args(mode)
        .start();
  }

  @Test
  void readyGivesTheGatewayUrl_andSigtermRunsTheShutdownHooks() {
    try (NodeProcess p = start("serve")) {
      assertThat(p.awaitReady(Duration.ofSeconds(60)))
          .contains(URI.create("https://127.0.0.1:18443"));
      assertThat(p.isAlive()).isTrue();
      assertThat(p.pid()).isEqualTo(p.process().pid());

      p.terminate();

      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(143); // 128 + SIGTERM
      assertThat(p.log()).contains("stopping on SIGTERM");
    }
  }

  @Test
  void sigkillEndsTheProcessWithoutItsHooks() {
    try (NodeProcess p = start("serve")) {
      p.awaitReady(Duration.ofSeconds(60));
      p.kill();
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(137); // 128 + SIGKILL
      assertThat(p.log()).doesNotContain("stopping on SIGTERM");
    }
  }

  @Test
  void waitingForAProcessThatExited_failsAtOnceWithItsLog() {
    try (NodeProcess p = start("fail")) {
      assertThatThrownBy(() -> p.awaitReady(Duration.ofSeconds(60)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("the process exited")
          .hasMessageContaining("the fixture was told to fail");
      assertThat(p.awaitExit(Duration.ofSeconds(5))).isEqualTo(3);
    }
  }

  @Test
  void aProcessThatStillRuns_isANamedErrorOfAwaitExit_andCloseKillsIt() {
    NodeProcess p = start("serve");
    try (p) {
      p.awaitReady(Duration.ofSeconds(60));
      assertThatThrownBy(() -> p.awaitExit(Duration.ofMillis(100)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("still runs");
    }
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void keepLogCopiesTheLogBesideTheBuild() throws Exception {
    try (NodeProcess p = start("fail")) {
      p.awaitExit(Duration.ofSeconds(60));
      p.keepLog(NodeProcessTest.class);
    }
    Path kept = Path.of("target", "node-logs", "NodeProcessTest", "fixture-fail.log");
    assertThat(Files.readString(kept)).contains("the fixture was told to fail");
  }

  @Test
  void aMainClassOffTheClassPath_orNoConfiguration_isANamedError() {
    assertThatThrownBy(() -> NodeProcess.builder(dir, "x").config(dir.resolve("x.yaml")).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(NodeProcess.CLI_MAIN)
        .hasMessageContaining("add mesh-cli as a test dependency");
    assertThatThrownBy(() -> NodeProcess.builder(dir, "y").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("give the node a configuration");
  }
}
