package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.config.MeshSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = AgentWeaveCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void demo_drivesCallsThroughEverySampleAgent_andExitsZero() {
    Run r = run("demo");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out())
        .contains(
            "search.search",
            "search.process",
            "orchestrator.aggregate",
            "storage.retrieve",
            "batch.batch_process",
            "file-processor.process_file",
            "indexer.query")
        .contains("p50 ms", "p99 ms")
        .contains("policy check: batch -> storage.retrieve was denied")
        .contains("authorization: cedar, deny by default, decision cache on")
        .containsPattern("authz_cache_hit_ratio 0\\.9\\d+")
        .contains("requests_total{agent=\"search\"}")
        .contains("every call ended as expected")
        .containsPattern("audit: \\d+ decisions, one JSON line each");
    assertThat(r.out()).containsPattern("storage\\.retrieve\\s+40\\s+10 \\(exp\\)\\s+0");
  }

  @Test
  void validate_printsOk_forAValidFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, "agent: {name: a, trust_domain: example.org}\n");
    Run r = run("validate", f.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("OK");
  }

  @Test
  void validate_printsOneLinePerError_andExitsOne(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(
        f, "agent: {name: A, trust_domain: example.org}\nserver: {port: -1, prot: 1}\n");
    Run r = run("validate", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().strip().split("\n"))
        .hasSize(3)
        .anyMatch(l -> l.contains("agent.name: \"A\" (expected"))
        .anyMatch(l -> l.contains("server.port: -1 (expected: an integer in 0..65535"))
        .anyMatch(l -> l.contains("server.prot") && l.contains("did you mean 'port'?"));
  }

  @Test
  void caIssue_writesChainKeyAndBundle_andRefusesBadIds(@TempDir Path dir) throws Exception {
    Run r =
        run(
            "ca",
            "issue",
            "--spiffe-id",
            "spiffe://example.org/agent/curl",
            "--out",
            dir.resolve("out").toString(),
            "--ca-dir",
            dir.resolve("ca").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(dir.resolve("out/svid.pem")))
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(dir.resolve("out/svid.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(dir.resolve("out/svid.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(dir.resolve("out/bundle.pem")))
        .isEqualTo(Files.readString(dir.resolve("ca/ca.pem")));
    Run bad =
        run(
            "ca",
            "issue",
            "--spiffe-id",
            "spiffe://Example.org/x",
            "--out",
            dir.toString(),
            "--ca-dir",
            dir.resolve("ca").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("must be lowercase");
    Run otherDomain =
        run(
            "ca",
            "issue",
            "--spiffe-id",
            "spiffe://other.org/agent/x",
            "--out",
            dir.resolve("o").toString(),
            "--ca-dir",
            dir.resolve("ca").toString());
    assertThat(otherDomain.code()).isEqualTo(1);
    assertThat(otherDomain.err()).contains("belongs to [spiffe://example.org]");
  }

  @Test
  void authzCheck_printsTheDecisionReasonAndVersion(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("policy.cedar"),
        "permit(principal == Agent::\"spiffe://example.org/agent/a\", action == Action::\"search\","
            + " resource == Agent::\"spiffe://example.org/agent/search\");\n");
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        ("agent: {name: search, trust_domain: example.org}\n"
                + "authorization: {provider: cedar, cedar: {policy_file: \"%s\"}}\n")
            .formatted(dir.resolve("policy.cedar")));
    Run allow =
        run(
            "authz",
            "check",
            "--config",
            config.toString(),
            "--caller",
            "spiffe://example.org/agent/a",
            "--callee",
            "spiffe://example.org/agent/search",
            "--action",
            "search");
    assertThat(allow.code()).as(allow.err()).isZero();
    assertThat(allow.out().split("\n"))
        .containsExactly("allow", "reason: permitted by policy0", allow.out().split("\n")[2]);
    assertThat(allow.out()).containsPattern("policy version: cedar:[0-9a-f]{12}");
    Run deny =
        run(
            "authz",
            "check",
            "--config",
            config.toString(),
            "--caller",
            "spiffe://example.org/agent/b",
            "--callee",
            "spiffe://example.org/agent/search",
            "--action",
            "search");
    assertThat(deny.code()).isZero();
    assertThat(deny.out()).startsWith("deny").contains("no permit policy matches");
    Run bad =
        run(
            "authz",
            "check",
            "--config",
            dir.resolve("missing.yaml").toString(),
            "--caller",
            "spiffe://example.org/agent/b",
            "--callee",
            "spiffe://example.org/agent/search",
            "--action",
            "x");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("expected: an existing YAML file");
  }

  @Test
  void ping_badTargets_areUsageErrors_andAnUnreachableGatewayFails(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        """
        agent: {name: probe, trust_domain: example.org, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        """
            .formatted(dir.resolve("ca")));
    Run plain = run("ping", "http://localhost:8443", "--config", config.toString());
    assertThat(plain.code()).isEqualTo(2);
    assertThat(plain.err()).contains("TLS only");
    Run unknown = run("ping", "spiffe://example.org/agent/x", "--config", config.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("not in transport.peers");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run down =
        run("ping", "https://127.0.0.1:" + port, "--config", config.toString(), "--count", "1");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.out()).contains("unreachable");
  }

  @Test
  void validate_withoutFile_isAUsageError() {
    assertThat(run("validate").code()).isEqualTo(2);
  }

  @Test
  void embeddedDemoConfig_isValid_andTheDocsListEveryKey(@TempDir Path dir) throws Exception {
    MeshSettings demo = DemoCommand.embedded(dir);
    assertThat(demo.agent().name()).isEqualTo("search");
    assertThat(demo.authorization().provider()).isEqualTo("cedar");
    assertThat(Path.of(demo.authorization().cedar().policyFile())).exists();
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    assertThat(docs)
        .as("docs/configuration.md holds `agentweave config reference` verbatim")
        .contains(ConfigCommand.table());
  }
}
