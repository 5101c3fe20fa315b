package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import dev.agentweave.mesh.testkit.TlsClients;
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
    Path rogueDir = Files.createTempDirectory("agentweave-logonly-it");
    try (TestMesh mesh =
        TestMesh.builder()
            .node("node", n -> n.gateway().yaml("transport: {peer_verification: log-only}"))
            .start()) {
      TestNode t = mesh.node("node");
      DevCertificateAuthority rogue =
          DevCertificateAuthority.openOrCreate(rogueDir, new TrustDomain("test.local"));
      X509Svid mallory =
          rogue.issue(
              SpiffeId.parse("spiffe://test.local/agent/mallory"),
              Duration.ofMinutes(5),
              List.of());
      HttpResponse<String> r =
          TlsClients.get(
              TlsClients.http11(TlsClients.context(mallory, mesh.root())),
              t.gatewayUrl(),
              "/whoami");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("spiffe://test.local/agent/mallory");
      assertThat(t.node().metrics().registry().find("tls.peers.rejected").counter().count())
          .isEqualTo(1.0);
    }
  }
}
