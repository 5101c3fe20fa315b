package dev.agentweave.mesh.testkit;

import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.identity.x509.SpiffeCertificates;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plain JSSE clients for tests that talk to a gateway the way an outside client does: any
 * certificate (or none), any protocol version, standard PKIX trust in one root. They do not check
 * the server's SPIFFE ID; they are for tests, not for production callers.
 */
public final class TlsClients {
  private static final char[] PASSWORD = "testkit".toCharArray();

  private TlsClients() {}

  /**
   * A TLS context presenting a client certificate (or none) and trusting one root.
   *
   * @param clientOrNull the client's SVID, or {@code null} to present no certificate
   * @param root the root the server's certificate must chain to
   * @return the context
   * @throws GeneralSecurityException if the key or certificates are unusable
   */
  public static SSLContext context(X509Svid clientOrNull, X509Certificate root)
      throws GeneralSecurityException {
    KeyStore trust = emptyStore();
    trust.setCertificateEntry("root", root);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientOrNull != null) {
      KeyStore keys = emptyStore();
      keys.setKeyEntry(
          "client",
          clientOrNull.privateKey(),
          PASSWORD,
          clientOrNull.chain().toArray(new X509Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * A TLS context from the files {@code agentweave ca issue --out DIR} writes: {@code svid.pem},
   * {@code svid.key} and {@code bundle.pem} (whose first certificate is trusted).
   *
   * @param credentials the directory
   * @return the context
   * @throws GeneralSecurityException if the key or certificates are unusable
   * @throws dev.agentweave.mesh.identity.IdentityException if a file is missing or not PEM
   */
  public static SSLContext fromPemDirectory(Path credentials) throws GeneralSecurityException {
    List<X509Certificate> chain = Pem.readCertificates(credentials.resolve("svid.pem"));
    X509Svid svid =
        new X509Svid(
            SpiffeCertificates.spiffeId(chain.get(0)),
            chain,
            Pem.readPrivateKey(credentials.resolve("svid.key")));
    return context(svid, Pem.readCertificates(credentials.resolve("bundle.pem")).get(0));
  }

  /**
   * A JDK HTTP/1.1 client over a TLS context, with a 10 s connect timeout.
   *
   * @param context the TLS context
   * @param protocols the TLS versions to offer (none: TLS 1.3 only)
   * @return the client; the caller closes nothing (JDK 17 clients are reclaimed when unreachable)
   */
  public static HttpClient http11(SSLContext context, String... protocols) {
    SSLParameters params = new SSLParameters();
    params.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3"} : protocols.clone());
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(context)
        .sslParameters(params)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /**
   * GETs a path of a server as text, within 20 s.
   *
   * @param client the client
   * @param base the server's URL, for example a gateway's
   * @param path the path, for example {@code /whoami}
   * @return the response
   * @throws java.io.IOException if the request fails (including a TLS handshake failure)
   * @throws InterruptedException if interrupted while waiting
   */
  public static java.net.http.HttpResponse<String> get(
      HttpClient client, java.net.URI base, String path)
      throws java.io.IOException, InterruptedException {
    return client.send(
        java.net.http.HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    return store;
  }
}
