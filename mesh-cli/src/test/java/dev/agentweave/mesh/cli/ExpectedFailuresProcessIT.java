package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.testkit.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures the docs call expected print a line that says what happened, never a stack trace: a
 * separate {@code agentweave} process, its whole standard error read.
 */
class ExpectedFailuresProcessIT {
  @TempDir Path dir;

  @Test
  void authzCheck_withTheOpaServerDown_deniesFailClosed_withoutAStackTrace() throws Exception {
    int closed = Ports.freeLoopbackPort(); // nothing listens there
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        """
        agent: {name: search, trust_domain: example.org}
        authorization:
          provider: opa
          opa_endpoint: "http://127.0.0.1:%d"
          decision_timeout_seconds: 2
        """
            .formatted(closed));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AgentWeaveCli.class.getName(),
                "authz",
                "check",
                "--config",
                config.toString(),
                "--caller",
                "spiffe://example.org/agent/a",
                "--callee",
                "spiffe://example.org/agent/search",
                "--action",
                "search")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as(out).startsWith("deny").contains("fail closed");
    assertThat(out)
        .as(out)
        .doesNotContain("\tat ")
        .doesNotContain("Exception thrown during asynchronous load")
        .doesNotContain("Exception:");
  }
}
