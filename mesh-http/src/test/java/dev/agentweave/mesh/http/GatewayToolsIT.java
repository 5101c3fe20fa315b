package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.testkit.TestMesh;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** curl and openssl (Debian packages, installed by .ci/run) against the gateway. */
class GatewayToolsIT {
  static TestMesh mesh;
  static Path dir;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    mesh = TestMesh.builder().node("node", n -> n.gateway()).start();
    dir = mesh.directory();
    gateway = mesh.node("node").component(Gateway.class);
    X509Svid svid = mesh.issue("curl");
    Pem.write(dir.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
    Pem.write(dir.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
    Pem.write(dir.resolve("bundle.pem"), Pem.encodeCertificates(List.of(mesh.root())), false);
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  record Result(int code, String out) {}

  static Result run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void curl_withAnSvidFromTheDevCa_getsItsIdentity() throws Exception {
    Result r =
        run(
            "curl",
            "-sS",
            "--fail-with-body",
            "--cert",
            dir.resolve("svid.pem").toString(),
            "--key",
            dir.resolve("svid.key").toString(),
            "--cacert",
            dir.resolve("bundle.pem").toString(),
            "https://localhost:" + gateway.port() + "/whoami");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).isEqualTo("{\"spiffe_id\":\"spiffe://test.local/agent/curl\"}");
  }

  @Test
  void curl_withoutAClientCertificate_isRefused() throws Exception {
    Result r =
        run(
            "curl",
            "-sS",
            "--cacert",
            dir.resolve("bundle.pem").toString(),
            "https://localhost:" + gateway.port() + "/whoami");
    assertThat(r.code()).as(r.out()).isNotZero();
    assertThat(r.out()).doesNotContain("spiffe_id");
  }

  @Test
  void curl_plainHttp_getsNoAnswer() throws Exception {
    Result r =
        run("curl", "-sS", "--max-time", "10", "http://localhost:" + gateway.port() + "/whoami");
    assertThat(r.code()).as(r.out()).isNotZero();
    assertThat(r.out()).doesNotContain("spiffe_id");
  }

  @Test
  void opensslSClient_negotiatesTls13_andVerifiesTheServer() throws Exception {
    Result r =
        run(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + gateway.port(),
            "-cert",
            dir.resolve("svid.pem").toString(),
            "-key",
            dir.resolve("svid.key").toString(),
            "-CAfile",
            dir.resolve("bundle.pem").toString(),
            "-brief");
    assertThat(r.out()).contains("Protocol version: TLSv1.3").contains("Verification: OK");
  }

  @Test
  void opensslSClient_tls12Only_isRefused() throws Exception {
    Result r =
        run(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + gateway.port(),
            "-tls1_2",
            "-cert",
            dir.resolve("svid.pem").toString(),
            "-key",
            dir.resolve("svid.key").toString(),
            "-CAfile",
            dir.resolve("bundle.pem").toString(),
            "-brief");
    assertThat(r.code()).isNotZero();
    assertThat(r.out()).doesNotContain("Protocol version: TLSv1.2");
  }
}
