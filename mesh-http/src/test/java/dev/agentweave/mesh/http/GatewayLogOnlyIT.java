package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** transport.peer_verification: log-only (development only): failures are reported, not fatal. */
class GatewayLogOnlyIT {
  @Test
  void logOnly_acceptsAnUnverifiablePeer_andCountsTheFailure() throws Exception {
    Path dir = Files.createTempDirectory("agentweave-logonly-it");
    try (TestGateway t =
        new TestGateway(dir.resolve("ca"), "", "transport: {peer_verification: log-only}")) {
      DevCertificateAuthority ca =
          DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("test.local"));
      DevCertificateAuthority rogue =
          DevCertificateAuthority.openOrCreate(dir.resolve("rogue"), new TrustDomain("test.local"));
      X509Svid mallory =
          rogue.issue(
              SpiffeId.parse("spiffe://test.local/agent/mallory"),
              Duration.ofMinutes(5),
              List.of());
      HttpResponse<String> r =
          TestTls.get(
              TestTls.client(TestTls.context(mallory, ca.certificate())),
              t.gateway.url(),
              "/whoami");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("spiffe://test.local/agent/mallory");
      assertThat(t.node.metrics().registry().find("tls.peers.rejected").counter().count())
          .isEqualTo(1.0);
    }
  }
}
