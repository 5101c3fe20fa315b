package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentweave bench} refuses bad options with exit 2 and a message naming them. */
class BenchOptionsTest {
  @TempDir Path dir;

  private static void refused(String expectedPart, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    CliTest.Run r = CliTest.run(all);
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(2);
    assertThat(r.err()).contains(expectedPart);
    assertThat(r.out()).doesNotContain("requests ");
  }

  @Test
  void loopAndBounds() {
    refused(
        "--concurrency: 20000 (expected: 1..10000)",
        "http://127.0.0.1:1",
        "-c",
        "20000",
        "--rate",
        "5");
    refused("--concurrency: 0 (expected: 1..10000)", "http://127.0.0.1:1", "-c", "0");
    refused("--rate: 0 (expected: requests per second", "http://127.0.0.1:1", "--rate", "0");
    refused("--rate: 2000000", "http://127.0.0.1:1", "--rate", "2000000");
    refused("--requests: 0 (expected: 1..1000000000)", "http://127.0.0.1:1", "-n", "0");
    refused("--rounds: 0", "http://127.0.0.1:1", "--rounds", "0");
    refused("--max-in-flight: 0", "http://127.0.0.1:1", "--max-in-flight", "0");
    refused(
        "--server-pid 2147483647: no such process",
        "http://127.0.0.1:1",
        "--server-pid",
        "2147483647");
  }

  @Test
  void times() {
    refused(
        "--duration: '10x' (expected: a whole number with ms, s, m or h",
        "http://127.0.0.1:1",
        "-d",
        "10x");
    refused("--duration: 25h (expected: from 1ms to 24h)", "http://127.0.0.1:1", "-d", "25h");
    refused("--warmup: 2h (expected: from 0 to 1h)", "http://127.0.0.1:1", "--warmup", "2h");
    refused("--timeout: 0 (expected: from 1ms to 1h)", "http://127.0.0.1:1", "--timeout", "0");
    String long1 = "9".repeat(300);
    refused("...[+", "http://127.0.0.1:1", "-d", long1);
  }

  @Test
  void bodies() throws Exception {
    refused(
        "--body and --body-file: both given",
        "http://127.0.0.1:1",
        "--body",
        "{}",
        "--body-file",
        "x.json");
    refused(
        "--body-file " + dir.resolve("none.json") + ": cannot be read",
        "http://127.0.0.1:1",
        "--body-file",
        dir.resolve("none.json").toString());
    refused("unknown placeholder {{nope}}", "http://127.0.0.1:1", "--body", "{\"a\":{{nope}}}");
    Path big = dir.resolve("big.json");
    try (var out = Files.newOutputStream(big)) {
      out.write(new byte[17 * 1024 * 1024]);
    }
    refused("over 16 MiB", "http://127.0.0.1:1", "--body-file", big.toString());
  }

  @Test
  void targetsAndIdentities() {
    refused("(expected: https://host:port[/path]", "ftp://127.0.0.1/x");
    refused("(expected: https://host:port[/path]", "localhost:8443");
    refused("...[+", "ftp://" + "a".repeat(500));
    refused(
        "plain HTTP has no client certificate",
        "http://127.0.0.1:1",
        "--as",
        "spiffe://example.org/agent/x");
    refused("--cert, --key and --ca: only some given", "https://127.0.0.1:1", "--cert", "a.pem");
    refused(
        "(expected: an existing YAML file)",
        "https://127.0.0.1:1",
        "--config",
        dir.resolve("missing.yaml").toString());
    refused("--http2: an AgentRef target", "spiffe://example.org/agent/search", "--http2");
    refused(
        "--capability: missing (expected: a capability name, or a body with an action field)",
        "spiffe://example.org/agent/search",
        "--body",
        "{\"q\":1}");
    refused("the body: not JSON", "spiffe://example.org/agent/search", "--body", "{oops");
    refused("TARGET: ", "spiffe://Bad Domain/agent/x");
  }
}
