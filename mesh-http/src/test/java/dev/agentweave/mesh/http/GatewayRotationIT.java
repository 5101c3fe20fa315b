package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import dev.agentweave.mesh.testkit.TlsClients;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** SVIDs rotate every second on both ends while requests keep flowing: none may fail. */
class GatewayRotationIT {
  @Test
  void rotationUnderContinuousRequests_failsNoRequest() throws Exception {
    try (TestMesh mesh =
        TestMesh.builder()
            .node(
                "node",
                n ->
                    n.gateway()
                        .yaml("identity: {dev_ca: {svid_ttl_seconds: 2, renew_fraction: 0.5}}"))
            .start()) {
      TestNode t = mesh.node("node");
      Gateway gateway = t.component(Gateway.class);
      AtomicInteger rotations = new AtomicInteger();
      t.identities().onChange(rotations::incrementAndGet);
      SpiffeId caller = SpiffeId.parse("spiffe://test.local/agent/caller");
      SpiffeTls tls =
          SpiffeTls.create(
              t.identities(),
              new dev.agentweave.mesh.identity.TrustDomain("test.local"),
              List.of(),
              "1.3",
              r -> {});
      SSLContext ctx = null;
      Set<BigInteger> serverSerials = new HashSet<>();
      List<String> failures = new ArrayList<>();
      int requests = 0;
      long deadline = System.nanoTime() + 6_000_000_000L;
      HttpClient http = null;
      // Bounded in count and time.
      while (requests < 2_000
          && System.nanoTime() < deadline
          && (rotations.get() < 6 || requests < 200)) {
        if (requests % 5 == 0) {
          // A new client context every 5 requests: a new connection with a full handshake (a
          // reused context would resume its TLS session, which keeps the identities of the
          // handshake that created it; see docs/identity.md).
          ctx = tls.clientContext(caller, id -> id.equals(gateway.serverId()));
          http = TlsClients.http11(ctx);
        }
        try {
          HttpResponse<String> r = TlsClients.get(http, gateway.url(), "/whoami");
          if (r.statusCode() != 200 || !r.body().contains(caller.toString())) {
            failures.add(r.statusCode() + " " + r.body());
          }
          r.sslSession()
              .ifPresent(
                  s -> {
                    try {
                      serverSerials.add(
                          ((java.security.cert.X509Certificate) s.getPeerCertificates()[0])
                              .getSerialNumber());
                    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                      failures.add("unverified server");
                    }
                  });
        } catch (Exception e) {
          failures.add(e.toString());
        }
        requests++;
      }
      assertThat(failures).as("failed requests out of %d", requests).isEmpty();
      assertThat(rotations.get()).as("SVID rotations during the run").isGreaterThanOrEqualTo(3);
      assertThat(serverSerials)
          .as("distinct server certificates seen")
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(requests).isGreaterThanOrEqualTo(100);
    }
  }
}
