package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.SpiffeIdentitySource;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TlsClients;
import dev.agentweave.mesh.testkit.WorkloadApiStandIn;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@code spiffe} identity provider against the Workload API stand-in (a stand-in for a SPIRE
 * agent, from mesh-testkit): several SVIDs per workload, the gateway presenting one of them, and
 * rotation pushed over the stream.
 */
class GatewaySpiffeIT {
  static final SpiffeId NODE = SpiffeId.parse("spiffe://test.local/agent/node");
  static final SpiffeId WORKER = SpiffeId.parse("spiffe://test.local/agent/worker");

  private static List<X509Svid> mint(DevCertificateAuthority ca) {
    return List.of(
        ca.issue(NODE, Duration.ofMinutes(10), List.of("localhost", "127.0.0.1")),
        ca.issue(WORKER, Duration.ofMinutes(10), List.of()));
  }

  @Test
  void gatewayServesWithWorkloadApiSvids_andFollowsRotation() throws Exception {
    Path dir = Files.createTempDirectory("agentweave-spiffe-it");
    DevCertificateAuthority ca =
        DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("test.local"));
    try (WorkloadApiStandIn spire =
        WorkloadApiStandIn.start(dir.resolve("agent.sock"), mint(ca), ca.bundle(), List.of())) {
      MeshSettings settings =
          MeshSettings.parse(
              "it",
              """
              agent: {name: node, trust_domain: test.local, environment: production}
              identity: {provider: spiffe, spiffe_endpoint: "%s"}
              server: {host: 127.0.0.1, port: 0}
              """
                  .formatted(spire.address()),
              Map.of());
      try (IdentitySource identities = IdentitySources.fromSettings(settings)) {
        assertThat(identities.name()).isEqualTo("spiffe");
        assertThat(identities.svid(WORKER).id()).isEqualTo(WORKER);
        assertThatThrownBy(() -> identities.svid(SpiffeId.parse("spiffe://test.local/agent/ghost")))
            .isInstanceOf(IdentityException.class)
            .hasMessageContaining("register the agent's SPIFFE ID");
        MeshNode node =
            MeshNode.builder(settings).agent(Agent.of("node")).identities(identities).start();
        try {
          Gateway gateway = node.component(Gateway.class).orElseThrow();
          X509Svid client =
              ca.issue(
                  SpiffeId.parse("spiffe://test.local/agent/alice"),
                  Duration.ofMinutes(5),
                  List.of());
          HttpResponse<String> r =
              TlsClients.get(
                  TlsClients.http11(TlsClients.context(client, ca.certificate())),
                  gateway.url(),
                  "/whoami");
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).contains("spiffe://test.local/agent/alice");
          X509Certificate first = serverCert(r);

          AtomicInteger changes = new AtomicInteger();
          identities.onChange(changes::incrementAndGet);
          spire.publish(mint(ca), ca.bundle(), List.of());
          await().atMost(Duration.ofSeconds(20)).until(() -> changes.get() >= 1);
          HttpResponse<String> after =
              TlsClients.get(
                  TlsClients.http11(TlsClients.context(client, ca.certificate())),
                  gateway.url(),
                  "/whoami");
          assertThat(after.statusCode()).isEqualTo(200);
          assertThat(serverCert(after).getSerialNumber()).isNotEqualTo(first.getSerialNumber());
          assertThat(identities.svid(NODE).leaf()).isEqualTo(serverCert(after));
        } finally {
          node.close();
        }
      }
    }
  }

  @Test
  void unreachableWorkloadApi_failsWithAClearMessage() throws Exception {
    Path dir = Files.createTempDirectory("agentweave-spiffe-it");
    String address = "unix://" + dir.resolve("nobody-listens.sock");
    assertThatThrownBy(() -> new SpiffeIdentitySource(address, Duration.ofSeconds(3)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("no X.509 SVIDs from the Workload API at " + address)
        .hasMessageContaining("expected: a running SPIRE agent");
    assertThatThrownBy(() -> new SpiffeIdentitySource("http://example.org", Duration.ofSeconds(3)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("is not a Workload API address");
  }

  private static X509Certificate serverCert(HttpResponse<String> r) throws Exception {
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }
}
