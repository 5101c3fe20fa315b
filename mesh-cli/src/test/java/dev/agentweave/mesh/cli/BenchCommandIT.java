package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.samples.SampleAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentweave bench} against a real gateway over mutual TLS, and through an AgentRef. */
class BenchCommandIT {
  private static TestMesh mesh;
  @TempDir static Path dir;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  @BeforeAll
  static void start() throws Exception {
    mesh =
        TestMesh.builder()
            .node(
                "backend",
                n -> n.agentName("search").agents(SampleAgents.all(dir.resolve("files"))).gateway())
            .start();
    write(dir.resolve("caller"), mesh.issue("caller"), mesh.root());
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private static void write(Path out, X509Svid svid, java.security.cert.X509Certificate root) {
    try {
      Files.createDirectories(out);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Pem.write(out.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
    Pem.write(out.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
    Pem.write(out.resolve("bundle.pem"), Pem.encodeCertificates(List.of(root)), false);
  }

  private static String[] certs(Path d) {
    return new String[] {
      "--cert", d.resolve("svid.pem").toString(),
      "--key", d.resolve("svid.key").toString(),
      "--ca", d.resolve("bundle.pem").toString()
    };
  }

  private static String[] args(String... parts) {
    return parts;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void closedLoop_overMutualTls_printsTheTable_andWritesJsonAndTheIntervalLog() throws Exception {
    Path json = dir.resolve("run.json");
    Path hlog = dir.resolve("run.hlog");
    CliTest.Run r =
        run(
            concat(
                args(
                    "bench",
                    mesh.node("backend").gatewayUrl().toString(),
                    "-c",
                    "4",
                    "--warmup",
                    "200ms",
                    "-d",
                    "1500ms",
                    "--json",
                    json.toString(),
                    "--hlog",
                    hlog.toString(),
                    // the gateway serves in this JVM: its CPU is this process's
                    "--server-pid",
                    Long.toString(ProcessHandle.current().pid()),
                    "--no-progress"),
                certs(dir.resolve("caller"))));
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out())
        .contains("/task (HTTP/1.1)")
        .contains("closed loop, 4 in flight")
        .contains("0 errors")
        .contains("p99.9")
        .containsPattern("server cpu  \\d+\\.\\d us per request")
        .containsPattern("client cpu  \\d+\\.\\d us per request");
    JsonNode report = JSON.readTree(json.toFile()).path("runs").path(0);
    assertThat(report.path("requests").asLong()).isPositive();
    assertThat(report.path("errors").asLong()).isZero();
    assertThat(report.path("latency_ms").path("count").asLong())
        .isEqualTo(report.path("requests").asLong());
    assertThat(report.path("latency_ms").path("p50").asDouble()).isPositive();
    assertThat(report.path("server_cpu_us_per_request").asDouble()).isPositive();
    assertThat(report.path("client_cpu_us_per_request").asDouble()).isPositive();
    List<String> lines = Files.readAllLines(hlog);
    assertThat(lines).anyMatch(l -> l.startsWith("#[StartTime:"));
    assertThat(lines.stream().filter(l -> l.matches("^\\d+\\.\\d+,.*")).count()).isPositive();
  }

  @Test
  void errorsAreCountedByStatusAndCode_andTheExitCodeIsOne() {
    // A body the capability cannot map: every request is a 400 invalid_request.
    CliTest.Run r =
        run(
            concat(
                args(
                    "bench",
                    mesh.node("backend").gatewayUrl() + "/agents/search/task",
                    "-n",
                    "50",
                    "-c",
                    "2",
                    "--warmup",
                    "0",
                    "--body",
                    "{\"action\":\"search\",\"query\":{{seq}}}",
                    "--no-progress"),
                certs(dir.resolve("caller"))));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("50 in")
        .contains("50 errors")
        .contains("HTTP 400 invalid_request");
  }

  @Test
  void aStrangersCertificate_isRefused_andEveryRequestCountsAsAnError() throws Exception {
    Path other = dir.resolve("other-ca");
    DevCertificateAuthority stranger =
        DevCertificateAuthority.openOrCreate(
            other, new dev.agentweave.mesh.identity.TrustDomain("evil.org"));
    write(
        dir.resolve("stranger"),
        stranger.issue(
            dev.agentweave.mesh.SpiffeId.parse("spiffe://evil.org/agent/x"),
            Duration.ofHours(1),
            List.of()),
        mesh.root());
    CliTest.Run r =
        run(
            concat(
                args(
                    "bench",
                    mesh.node("backend").gatewayUrl().toString(),
                    "-n",
                    "5",
                    "-c",
                    "1",
                    "--warmup",
                    "0",
                    "--timeout",
                    "5s",
                    "--no-progress"),
                certs(dir.resolve("stranger"))));
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
    assertThat(r.out()).contains("5 errors").contains("client: ");
  }

  @Test
  void compare_runsBothTargetsInRounds_andPrintsTheirRatio() throws Exception {
    String url = mesh.node("backend").gatewayUrl().toString();
    Path json = dir.resolve("compare.json");
    CliTest.Run r =
        run(
            concat(
                args(
                    "bench",
                    url,
                    "--compare",
                    url + "/agents/search/task",
                    "--rounds",
                    "2",
                    "-c",
                    "2",
                    "--warmup",
                    "100ms",
                    "-d",
                    "1s",
                    "--json",
                    json.toString(),
                    "--no-progress"),
                certs(dir.resolve("caller"))));
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).contains("A\n").contains("B\n").containsPattern("B / A: requests/s \\d");
    JsonNode report = JSON.readTree(json.toFile());
    assertThat(report.path("runs")).hasSize(2);
    assertThat(report.path("b_over_a").path("requests_per_second").asDouble()).isPositive();
  }

  @Test
  void anAgentRefTarget_callsThroughANodeOfTheConfig_andThePooledClient() throws Exception {
    Path config = dir.resolve("bench-node.yaml");
    Files.writeString(
        config,
        """
        agent: {name: caller, trust_domain: test.local, environment: development}
        identity:
          provider: dev-ca
          dev_ca: {directory: "%s"}
        authorization:
          provider: allow-list
          allow:
            - {caller: "spiffe://test.local/agent/caller", callee: "spiffe://test.local/agent/*", actions: ["*"]}
        transport:
          peers:
            - {spiffe_id: "spiffe://test.local/agent/search", urls: ["%s"]}
        server: {enabled: false}
        """
            .formatted(mesh.directory().resolve("ca"), mesh.node("backend").gatewayUrl()));
    CliTest.Run r =
        run(
            "bench",
            "spiffe://test.local/agent/search",
            "--config",
            config.toString(),
            "-n",
            "200",
            "-c",
            "4",
            "--warmup",
            "200ms",
            "--no-progress");
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    assertThat(r.out())
        .contains("spiffe://test.local/agent/search search (AgentRef)")
        .contains("200 in")
        .contains("0 errors");
  }
}
