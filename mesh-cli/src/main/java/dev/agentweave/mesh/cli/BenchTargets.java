package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cli.bench.AgentRefTarget;
import dev.agentweave.mesh.cli.bench.HttpTarget;
import dev.agentweave.mesh.cli.bench.LoadTarget;
import dev.agentweave.mesh.cli.bench.PekkoHttpTarget;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.FilesIdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.identity.x509.SpiffeCertificates;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.support.Bounded;
import java.io.PrintWriter;
import java.net.URI;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Opens the targets of {@code agentweave bench}: their TLS identity, or their in-process node. */
final class BenchTargets {
  private BenchTargets() {}

  static LoadTarget open(String target, BenchOptions.Checked o, BenchCommand c, PrintWriter err) {
    if (target.startsWith("spiffe://")) {
      return agentRef(target, o, c);
    }
    URI url;
    try {
      url = URI.create(target);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TARGET '"
              + Bounded.cut(target, 64)
              + "': not a URL (expected: https://host:port"
              + "[/path], http://host:port[/path] or spiffe://trust-domain/path)");
    }
    if (url.getHost() == null
        || !(url.getScheme().equals("https") || url.getScheme().equals("http"))
        || url.getRawQuery() != null
        || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "TARGET '"
              + Bounded.cut(target, 64)
              + "' (expected: https://host:port[/path],"
              + " http://host:port[/path] or spiffe://trust-domain/path)");
    }
    if (url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/")) {
      url = url.resolve("/task");
    }
    if (url.getScheme().equals("http")) {
      if (c.cert != null || c.as != null) {
        throw new IllegalArgumentException(
            "TARGET " + target + ": plain HTTP has no client certificate (expected: https://)");
      }
      return c.http2
          ? new HttpTarget(url, o.body(), o.timeout(), true, null, null)
          : new PekkoHttpTarget(url, o.body(), o.timeout(), o.connections(), o.maxInFlight(), null);
    }
    Tls tls = tls(c, err);
    // HTTP/1.1 through Pekko HTTP's pool (light on CPU); HTTP/2 through the JDK's client.
    LoadTarget http =
        c.http2
            ? new HttpTarget(url, o.body(), o.timeout(), true, tls.context(), tls.protocols())
            : new PekkoHttpTarget(
                url,
                o.body(),
                o.timeout(),
                o.connections(),
                o.maxInFlight(),
                () -> tls.tls().configureClient(tls.context().createSSLEngine()));
    return new ClosingHttpTarget(http, tls.source());
  }

  /** A client TLS context and the identity source behind it, closed with the target. */
  private record Tls(SpiffeTls tls, SSLContext context, IdentitySource source) {
    String[] protocols() {
      return tls.protocols();
    }
  }

  private static Tls tls(BenchCommand c, PrintWriter err) {
    if (c.cert != null || c.key != null || c.ca != null) {
      if (c.cert == null || c.key == null || c.ca == null) {
        throw new IllegalArgumentException(
            "--cert, --key and --ca: only some given (expected: all three, or none to use --config)");
      }
      if (c.as != null) {
        throw new IllegalArgumentException(
            "--as with --cert: the certificate names the caller (expected: one of them)");
      }
      SpiffeId self;
      try {
        self = SpiffeCertificates.spiffeId(Pem.readCertificates(c.cert).get(0));
      } catch (CertificateException | IdentityException | IndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "--cert " + c.cert + ": no SPIFFE ID read (" + e.getMessage() + ")");
      }
      TrustDomain td = new TrustDomain(self.trustDomain());
      IdentitySource source;
      try {
        source =
            new FilesIdentitySource(
                List.of(new FilesIdentitySource.SvidFiles(c.cert, c.key)),
                List.of(new FilesIdentitySource.BundleFile(td, c.ca)),
                Duration.ofSeconds(60));
      } catch (IdentityException e) {
        throw new IllegalArgumentException("identity: " + e.getMessage());
      }
      SpiffeTls tls =
          SpiffeTls.create(source, td, List.of(), "1.2", r -> err.println("refused: " + r));
      return new Tls(tls, tls.clientContext(self, id -> true), source);
    }
    MeshSettings settings = settings(c);
    IdentitySource source;
    try {
      source = IdentitySources.fromSettings(settings);
    } catch (IdentityException e) {
      throw new IllegalArgumentException("identity: " + e.getMessage());
    }
    SpiffeId self;
    try {
      self =
          c.as != null
              ? SpiffeId.parse(c.as)
              : SpiffeId.forAgent(settings.agent().trustDomain(), settings.agent().name());
      source.svid(self);
    } catch (IllegalArgumentException | IdentityException e) {
      source.close();
      throw new IllegalArgumentException(
          (c.as != null ? "--as " + Bounded.cut(c.as, 64) : "identity") + ": " + e.getMessage());
    }
    SpiffeTls tls = IdentitySources.tls(source, settings, r -> err.println("refused: " + r));
    return new Tls(tls, tls.clientContext(self, id -> true), source);
  }

  private static MeshSettings settings(BenchCommand c) {
    try {
      return MeshSettings.load(c.config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static LoadTarget agentRef(String target, BenchOptions.Checked o, BenchCommand c) {
    SpiffeId id;
    try {
      id = SpiffeId.parse(target);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TARGET: " + e.getMessage());
    }
    if (c.as != null || c.cert != null) {
      throw new IllegalArgumentException(
          "--as and --cert: an AgentRef target calls as the config's default agent (expected:"
              + " neither, or set agent.name in --config)");
    }
    if (c.http2) {
      throw new IllegalArgumentException(
          "--http2: an AgentRef target uses the pooled client's own protocol (expected: no"
              + " --http2)");
    }
    // The action: --capability, or the body's action field, which is then not sent.
    com.fasterxml.jackson.databind.node.ObjectNode request =
        o.body().isFixed()
            ? (com.fasterxml.jackson.databind.node.ObjectNode)
                AgentRefTarget.parse(o.body().render(0)).deepCopy()
            : null;
    String capability = c.capability;
    dev.agentweave.mesh.cli.bench.BodyTemplate body = o.body();
    if (request != null && capability == null && request.path("action").isTextual()) {
      capability = request.get("action").asText();
      request.remove("action");
      body = dev.agentweave.mesh.cli.bench.BodyTemplate.parse(request.toString());
    }
    if (capability == null || !Bounded.isCapabilityName(capability)) {
      throw new IllegalArgumentException(
          "--capability: "
              + (capability == null ? "missing" : "'" + Bounded.cut(capability, 64) + "'")
              + " (expected: a capability name, or a body with an action field)");
    }
    MeshSettings settings = settings(c);
    settings = settings.withServer(settings.server().withEnabled(false));
    IdentitySource source;
    try {
      source = IdentitySources.fromSettings(settings);
    } catch (IdentityException e) {
      throw new IllegalArgumentException("identity: " + e.getMessage());
    }
    MeshNode node;
    try {
      node =
          MeshNode.builder(settings)
              .agent(Agent.of(settings.agent().name()))
              .identities(source)
              .start();
    } catch (RuntimeException e) {
      source.close();
      throw new IllegalStateException("the node of the AgentRef target: " + e.getMessage());
    }
    return new AgentRefTarget(node, id, capability, body, o.timeout());
  }

  /** An HTTP target that also closes its identity source. */
  private record ClosingHttpTarget(LoadTarget http, IdentitySource source) implements LoadTarget {
    @Override
    public java.util.concurrent.CompletableFuture<Outcome> send(long seq) {
      return http.send(seq);
    }

    @Override
    public String describe() {
      return http.describe();
    }

    @Override
    public String protocol() {
      return http.protocol();
    }

    @Override
    public void close() {
      http.close();
      source.close();
    }
  }
}
