package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TLS-only gateway with real certificates and real handshakes, case by case. */
class GatewayTlsIT {
  static Path dir;
  static TestMesh mesh;
  static DevCertificateAuthority ca;
  static DevCertificateAuthority rogue;
  static DevCertificateAuthority partner;
  static DevCertificateAuthority stranger;
  static MeshNode node;
  static IdentitySource identities;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("agentweave-gateway-it");
    rogue =
        DevCertificateAuthority.openOrCreate(dir.resolve("rogue"), new TrustDomain("test.local"));
    partner =
        DevCertificateAuthority.openOrCreate(
            dir.resolve("partner"), new TrustDomain("partner.example"));
    stranger =
        DevCertificateAuthority.openOrCreate(
            dir.resolve("stranger"), new TrustDomain("stranger.example"));
    Pem.write(
        dir.resolve("partner.pem"), Pem.encodeCertificates(List.of(partner.certificate())), false);
    Pem.write(
        dir.resolve("stranger.pem"),
        Pem.encodeCertificates(List.of(stranger.certificate())),
        false);
    mesh =
        TestMesh.builder()
            .node(
                "node",
                n ->
                    n.gateway()
                        .yaml(
                            """
                            identity:
                              allowed_trust_domains: [partner.example]
                              bundles:
                                - {trust_domain: partner.example, file: "%s"}
                                - {trust_domain: stranger.example, file: "%s"}
                            """
                                .formatted(
                                    dir.resolve("partner.pem"), dir.resolve("stranger.pem"))))
            .start();
    ca =
        DevCertificateAuthority.openOrCreate(
            mesh.directory().resolve("ca"), new TrustDomain("test.local"));
    node = mesh.node("node").node();
    identities = mesh.node("node").identities();
    gateway = mesh.node("node").component(Gateway.class);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private static X509Svid svid(DevCertificateAuthority authority, String id) {
    return authority.issue(SpiffeId.parse(id), Duration.ofMinutes(10), List.of());
  }

  private static HttpResponse<String> whoami(X509Svid client, String... protocols)
      throws Exception {
    HttpClient http = TlsClients.http11(TlsClients.context(client, ca.certificate()), protocols);
    return TlsClients.get(http, gateway.url(), "/whoami");
  }

  private static double rejections() {
    return node.metrics().registry().find("tls.peers.rejected").counter().count();
  }

  @Test
  void validClient_getsItsOwnSpiffeId() throws Exception {
    HttpResponse<String> r = whoami(svid(ca, "spiffe://test.local/agent/alice"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"spiffe_id\":\"spiffe://test.local/agent/alice\"}");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void healthReady_answersForAnAuthenticatedClient_andUnknownPathsAreJson404() throws Exception {
    HttpClient http =
        TlsClients.http11(
            TlsClients.context(svid(ca, "spiffe://test.local/agent/probe"), ca.certificate()));
    HttpResponse<String> ready = TlsClients.get(http, gateway.url(), "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    HttpResponse<String> missing = TlsClients.get(http, gateway.url(), "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body())
        .contains("\"code\":\"not_found\"", "no route GET /nope", "\"request_id\"");
  }

  @Test
  void allowedForeignTrustDomain_isAccepted() throws Exception {
    HttpResponse<String> r = whoami(svid(partner, "spiffe://partner.example/agent/bob"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("spiffe://partner.example/agent/bob");
  }

  @Test
  void noClientCertificate_isRefused() {
    assertThatThrownBy(() -> whoami(null)).isInstanceOf(IOException.class);
  }

  @Test
  void certificateFromAnotherCa_isRefused() {
    double before = rejections();
    assertThatThrownBy(() -> whoami(svid(rogue, "spiffe://test.local/agent/mallory")))
        .isInstanceOf(IOException.class);
    assertThat(rejections()).isGreaterThan(before);
  }

  @Test
  void trustDomainNotAllowed_isRefused_evenWithAKnownBundle() {
    double before = rejections();
    assertThatThrownBy(() -> whoami(svid(stranger, "spiffe://stranger.example/agent/eve")))
        .isInstanceOf(IOException.class);
    assertThat(rejections()).isGreaterThan(before);
  }

  @Test
  void expiredCertificate_isRefused() {
    Instant now = Instant.now();
    X509Svid expired =
        ca.issueCertificate(
            SpiffeId.parse("spiffe://test.local/agent/old"),
            List.of("spiffe://test.local/agent/old"),
            now.minus(Duration.ofHours(2)),
            now.minus(Duration.ofHours(1)),
            List.of());
    double before = rejections();
    assertThatThrownBy(() -> whoami(expired)).isInstanceOf(IOException.class);
    assertThat(rejections()).isGreaterThan(before);
  }

  @Test
  void twoUriSans_areRefused() {
    Instant now = Instant.now();
    X509Svid twoSans =
        ca.issueCertificate(
            SpiffeId.parse("spiffe://test.local/agent/twin"),
            List.of("spiffe://test.local/agent/twin", "spiffe://test.local/agent/admin"),
            now.minusSeconds(30),
            now.plus(Duration.ofMinutes(10)),
            List.of());
    double before = rejections();
    assertThatThrownBy(() -> whoami(twoSans)).isInstanceOf(IOException.class);
    assertThat(rejections()).isGreaterThan(before);
  }

  @Test
  void client_refusesAServerThatIsNotThePeerItMeantToReach() throws Exception {
    dev.agentweave.mesh.identity.x509.SpiffeTls tls =
        dev.agentweave.mesh.identity.x509.SpiffeTls.create(
            identities, new TrustDomain("test.local"), List.of(), "1.3", r -> {});
    SpiffeId alice = SpiffeId.parse("spiffe://test.local/agent/alice");
    HttpClient right =
        TlsClients.http11(
            tls.clientContext(
                alice, id -> id.equals(SpiffeId.parse("spiffe://test.local/agent/node"))));
    assertThat(TlsClients.get(right, gateway.url(), "/whoami").body()).contains(alice.toString());
    HttpClient wrong =
        TlsClients.http11(
            tls.clientContext(
                alice, id -> id.equals(SpiffeId.parse("spiffe://test.local/agent/vault"))));
    assertThatThrownBy(() -> TlsClients.get(wrong, gateway.url(), "/whoami"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                dev.agentweave.mesh.identity.x509.SpiffeTls.create(
                    identities, new TrustDomain("test.local"), List.of(), "1.1", r -> {}))
        .hasMessageContaining("tls_min_version: 1.1 (expected: 1.2 or 1.3)");
    assertThat(
            dev.agentweave.mesh.identity.x509.SpiffeTls.create(
                    identities, new TrustDomain("test.local"), List.of(), "1.2", r -> {})
                .protocols())
        .containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void tls12OnlyClient_isRefused_whenTls13IsRequired() {
    assertThatThrownBy(() -> whoami(svid(ca, "spiffe://test.local/agent/legacy"), "TLSv1.2"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void serverPresentsTheDefaultAgentsSvid_withServerNamesForTools() throws Exception {
    X509Svid server = identities.svid(gateway.serverId());
    assertThat(gateway.serverId()).isEqualTo(SpiffeId.parse("spiffe://test.local/agent/node"));
    assertThat(server.leaf().getSubjectAlternativeNames())
        .extracting(l -> l.get(1).toString())
        .contains("spiffe://test.local/agent/node", "localhost", "127.0.0.1");
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> leafUsages() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "an SVID", DevCertificateAuthority.Usages.SVID, true),
        org.junit.jupiter.params.provider.Arguments.of(
            "no extended key usage",
            new DevCertificateAuthority.Usages(java.util.Set.of("digitalSignature"), List.of()),
            true),
        org.junit.jupiter.params.provider.Arguments.of(
            "anyExtendedKeyUsage",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature"), List.of("any")),
            true),
        org.junit.jupiter.params.provider.Arguments.of(
            "serverAuth only",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature"), List.of("serverAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "codeSigning only",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature"), List.of("codeSigning")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "no digitalSignature",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("keyEncipherment", "keyAgreement"),
                List.of("serverAuth", "clientAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "keyCertSign on a leaf",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature", "keyCertSign"),
                List.of("serverAuth", "clientAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "cRLSign on a leaf",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature", "cRLSign"), List.of("clientAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "no key usage extension",
            new DevCertificateAuthority.Usages(java.util.Set.of(), List.of("clientAuth")),
            false));
  }

  private static X509Svid withUsages(String id, DevCertificateAuthority.Usages usages) {
    Instant now = Instant.now();
    return ca.issueCertificate(
        SpiffeId.parse(id),
        List.of(id),
        now.minusSeconds(5),
        now.plusSeconds(600),
        List.of("localhost", "127.0.0.1"),
        usages);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("leafUsages")
  void clientCertificates_keyUsageAndExtendedKeyUsage_areChecked(
      String name, DevCertificateAuthority.Usages usages, boolean accepted) throws Exception {
    X509Svid client = withUsages("spiffe://test.local/agent/usage", usages);
    double before = rejections();
    if (accepted) {
      assertThat(whoami(client).statusCode()).isEqualTo(200);
    } else {
      assertThatThrownBy(() -> whoami(client)).isInstanceOf(IOException.class);
      assertThat(rejections()).isGreaterThan(before);
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> serverUsages() {
    java.util.Set<String> sign = java.util.Set.of("digitalSignature");
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "an SVID", DevCertificateAuthority.Usages.SVID, true),
        org.junit.jupiter.params.provider.Arguments.of(
            "serverAuth only",
            new DevCertificateAuthority.Usages(sign, List.of("serverAuth")),
            true),
        org.junit.jupiter.params.provider.Arguments.of(
            "clientAuth only",
            new DevCertificateAuthority.Usages(sign, List.of("clientAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "codeSigning only",
            new DevCertificateAuthority.Usages(sign, List.of("codeSigning")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "no digitalSignature",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("keyEncipherment"), List.of("serverAuth")),
            false),
        org.junit.jupiter.params.provider.Arguments.of(
            "keyCertSign on a leaf",
            new DevCertificateAuthority.Usages(
                java.util.Set.of("digitalSignature", "keyCertSign"), List.of("serverAuth")),
            false));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("serverUsages")
  void serverCertificates_keyUsageAndExtendedKeyUsage_areCheckedByTheMeshClient(
      String name, DevCertificateAuthority.Usages usages, boolean accepted) throws Exception {
    X509Svid server = withUsages("spiffe://test.local/agent/server", usages);
    javax.net.ssl.SSLContext serverCtx = TlsClients.context(server, ca.certificate());
    java.util.List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.agentweave.mesh.identity.x509.SpiffeTls tls =
        dev.agentweave.mesh.identity.x509.SpiffeTls.create(
            identities, new TrustDomain("test.local"), List.of(), "1.3", refusals::add);
    javax.net.ssl.SSLContext clientCtx =
        tls.clientContext(SpiffeId.parse("spiffe://test.local/agent/alice"), id -> true);
    try (javax.net.ssl.SSLServerSocket listener =
        (javax.net.ssl.SSLServerSocket)
            serverCtx
                .getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      listener.setEnabledProtocols(new String[] {"TLSv1.3"});
      java.util.concurrent.CompletableFuture<Void> served =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) listener.accept()) {
                  s.setSoTimeout(10_000);
                  s.startHandshake();
                  s.getInputStream().read();
                } catch (IOException ignored) {
                  // the client refused the handshake
                }
              });
      try (javax.net.ssl.SSLSocket c =
          (javax.net.ssl.SSLSocket)
              clientCtx.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
        c.setSoTimeout(10_000);
        if (accepted) {
          c.startHandshake();
          assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
        } else {
          assertThatThrownBy(c::startHandshake).isInstanceOf(IOException.class);
          assertThat(refusals).anyMatch(r -> r.contains("spiffe://test.local/agent/server"));
        }
      }
      served.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
