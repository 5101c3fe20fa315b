package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS contexts whose identities are SPIFFE SVIDs, for the gateway's server and clients and for
 * Pekko remoting. Every handshake reads the current SVID and bundles from the {@link
 * IdentitySource}, so rotation applies to new connections without a restart; connections in use
 * keep their session. Peers are verified by SPIFFE ID ({@link SpiffeCertificates#verify}); a
 * server's verified ID is kept in the session ({@link #peer(SSLSession)}), and a client checks that
 * the server is the identity it meant to reach. TLS 1.3 only, unless the minimum is 1.2.
 * Thread-safe.
 */
public final class SpiffeTls {
  private static final String PEER_KEY = "agentweave.peer";

  /** Lifetime of cached TLS sessions; sessions are also dropped whenever identities rotate. */
  public static final int SESSION_TIMEOUT_SECONDS = 300;

  private final IdentitySource source;
  private final Set<TrustDomain> accepted;
  private final String[] protocols;
  private final Consumer<String> rejections;
  private final boolean logOnly;
  private final List<WeakReference<SSLContext>> contexts = new CopyOnWriteArrayList<>();

  private SpiffeTls(
      IdentitySource source,
      Set<TrustDomain> accepted,
      String[] protocols,
      Consumer<String> rejections,
      boolean logOnly) {
    this.logOnly = logOnly;
    this.source = source;
    this.accepted = accepted;
    this.protocols = protocols;
    this.rejections = rejections;
    // After a rotation, drop cached sessions so that new connections handshake with the current
    // SVIDs and bundles. (Stateless TLS 1.3 tickets held by clients are not covered; they are
    // bounded by SESSION_TIMEOUT_SECONDS, see docs/identity.md.)
    source.onChange(this::invalidateSessions);
  }

  private void invalidateSessions() {
    contexts.removeIf(ref -> ref.get() == null);
    for (WeakReference<SSLContext> ref : contexts) {
      SSLContext ctx = ref.get();
      if (ctx != null) {
        invalidate(ctx.getServerSessionContext());
        invalidate(ctx.getClientSessionContext());
      }
    }
  }

  private static void invalidate(SSLSessionContext sessions) {
    if (sessions == null) {
      return;
    }
    Enumeration<byte[]> ids = sessions.getIds();
    while (ids.hasMoreElements()) {
      SSLSession session = sessions.getSession(ids.nextElement());
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /**
   * Creates the TLS factory.
   *
   * @param source the identity source
   * @param ownTrustDomain the node's trust domain (always accepted)
   * @param allowedTrustDomains foreign trust domains whose peers are accepted
   * @param tlsMinVersion {@code 1.3} or {@code 1.2}
   * @param rejections told the reason of every rejected peer certificate (for logs and meters)
   * @return the factory
   * @throws IllegalArgumentException if the TLS version is not 1.2 or 1.3
   */
  public static SpiffeTls create(
      IdentitySource source,
      TrustDomain ownTrustDomain,
      Iterable<TrustDomain> allowedTrustDomains,
      String tlsMinVersion,
      Consumer<String> rejections) {
    requireNonNull(source, "source");
    requireNonNull(ownTrustDomain, "ownTrustDomain");
    Set<TrustDomain> accepted = new LinkedHashSet<>();
    accepted.add(ownTrustDomain);
    allowedTrustDomains.forEach(accepted::add);
    String[] protocols =
        switch (tlsMinVersion) {
          case "1.3" -> new String[] {"TLSv1.3"};
          case "1.2" -> new String[] {"TLSv1.3", "TLSv1.2"};
          default ->
              throw new IllegalArgumentException(
                  "tls_min_version: " + tlsMinVersion + " (expected: 1.2 or 1.3)");
        };
    return new SpiffeTls(
        source, Set.copyOf(accepted), protocols, requireNonNull(rejections, "rejections"), false);
  }

  /**
   * A copy in {@code log-only} peer-verification mode ({@code transport.peer_verification:
   * log-only}, refused in production): a peer whose chain fails verification is reported to the
   * rejection listener, prefixed {@code "log-only, accepted: "}, and accepted if its leaf names
   * exactly one valid SPIFFE ID; a peer without a readable SPIFFE ID is still refused.
   *
   * @return the copy
   */
  public SpiffeTls logOnly() {
    return new SpiffeTls(source, accepted, protocols, rejections, true);
  }

  /**
   * A server context presenting the SVID of {@code self} and requiring a client certificate from an
   * accepted trust domain. Configure each engine with {@link #configureServer(SSLEngine)}.
   *
   * @param self the identity the server presents
   * @return the context
   */
  public SSLContext serverContext(SpiffeId self) {
    return context(self, null);
  }

  /**
   * A client context presenting the SVID of {@code self} and accepting only servers for which
   * {@code expectedServer} holds.
   *
   * @param self the identity the client presents
   * @param expectedServer the servers this client means to reach
   * @return the context
   */
  public SSLContext clientContext(SpiffeId self, Predicate<SpiffeId> expectedServer) {
    return context(self, requireNonNull(expectedServer, "expectedServer"));
  }

  /**
   * Configures a server engine: server mode, client certificate required, allowed protocols.
   *
   * @param engine the engine
   * @return the engine
   */
  public SSLEngine configureServer(SSLEngine engine) {
    engine.setUseClientMode(false);
    SSLParameters p = engine.getSSLParameters();
    p.setNeedClientAuth(true);
    p.setProtocols(protocols.clone());
    engine.setSSLParameters(p);
    return engine;
  }

  /**
   * Configures a client engine: client mode, allowed protocols.
   *
   * @param engine the engine
   * @return the engine
   */
  public SSLEngine configureClient(SSLEngine engine) {
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setProtocols(protocols.clone());
    engine.setSSLParameters(p);
    return engine;
  }

  /** The protocols offered: {@code TLSv1.3}, plus {@code TLSv1.2} when the minimum is 1.2. */
  public String[] protocols() {
    return protocols.clone();
  }

  /**
   * The verified SPIFFE ID of the peer of a session established by a context of this class.
   *
   * @param session the session
   * @return the peer's ID, if verified
   */
  public static Optional<SpiffeId> peer(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Object v = session.getValue(PEER_KEY);
    if (v instanceof SpiffeId id) {
      return Optional.of(id);
    }
    // A resumed session may not carry the value; its certificates were verified when it was
    // established, so the ID is read from them.
    try {
      java.security.cert.Certificate[] certs = session.getPeerCertificates();
      if (certs.length > 0 && certs[0] instanceof X509Certificate leaf) {
        return Optional.of(SpiffeCertificates.spiffeId(leaf));
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException | CertificateException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private SSLContext context(SpiffeId self, Predicate<SpiffeId> expectedServer) {
    requireNonNull(self, "self");
    source.svid(self); // fail fast when the source does not hold the identity
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          new KeyManager[] {new SvidKeyManager(source, self)},
          new TrustManager[] {new PeerTrustManager(expectedServer)},
          null);
      ctx.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
      ctx.getClientSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
      contexts.add(new WeakReference<>(ctx));
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IdentityException("cannot create a TLS context for " + self, e);
    }
  }

  /** Presents the current SVID; an alias names one SVID so chain and key always match. */
  private static final class SvidKeyManager extends X509ExtendedKeyManager {
    private final IdentitySource source;
    private final SpiffeId self;
    private final Map<String, X509Svid> byAlias = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile X509Svid current;
    private volatile String currentAlias;

    SvidKeyManager(IdentitySource source, SpiffeId self) {
      this.source = source;
      this.self = self;
    }

    private String alias(String keyType) {
      X509Svid svid = source.svid(self);
      if (keyType != null && !keyType.equals(svid.privateKey().getAlgorithm())) {
        return null;
      }
      synchronized (this) {
        if (svid != current) {
          String alias = "svid-" + generation.incrementAndGet();
          byAlias.put(alias, svid);
          if (currentAlias != null && byAlias.size() > 4) {
            byAlias.keySet().removeIf(a -> !a.equals(alias) && !a.equals(currentAlias));
          }
          current = svid;
          currentAlias = alias;
        }
        return currentAlias;
      }
    }

    private String anyAlias(String[] keyTypes) {
      if (keyTypes == null) {
        return alias(null);
      }
      for (String t : keyTypes) {
        String a = alias(t);
        if (a != null) {
          return a;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias(keyType);
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return anyAlias(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return anyAlias(keyTypes);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509Svid svid = byAlias.get(alias);
      return svid == null ? null : svid.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      X509Svid svid = byAlias.get(alias);
      return svid == null ? null : svid.privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      String a = alias(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return getClientAliases(keyType, issuers);
    }
  }

  /** Verifies peers by SPIFFE ID against the current bundles. */
  private final class PeerTrustManager extends X509ExtendedTrustManager {
    private final Predicate<SpiffeId> expectedServer;

    PeerTrustManager(Predicate<SpiffeId> expectedServer) {
      this.expectedServer = expectedServer;
    }

    private SpiffeId verify(X509Certificate[] chain, SpiffeCertificates.Role role)
        throws CertificateException {
      try {
        return SpiffeCertificates.verify(chain, accepted, source::bundle, role);
      } catch (CertificateException e) {
        if (logOnly && chain != null && chain.length > 0) {
          SpiffeId id = SpiffeCertificates.spiffeId(chain[0]);
          rejections.accept("log-only, accepted: " + e.getMessage());
          return id;
        }
        rejections.accept(e.getMessage());
        throw e;
      }
    }

    private void remember(SSLSession handshake, SpiffeId id) {
      if (handshake != null) {
        handshake.putValue(PEER_KEY, id);
      }
    }

    private void checkServer(SpiffeId id) throws CertificateException {
      if (expectedServer != null && !expectedServer.test(id)) {
        String message =
            "server presented " + id + ", which is not the peer this client meant to reach";
        rejections.accept(message);
        throw new CertificateException(message);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      remember(
          engine == null ? null : engine.getHandshakeSession(),
          verify(chain, SpiffeCertificates.Role.CLIENT));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      SpiffeId id = verify(chain, SpiffeCertificates.Role.CLIENT);
      if (socket instanceof javax.net.ssl.SSLSocket s) {
        remember(s.getHandshakeSession(), id);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      verify(chain, SpiffeCertificates.Role.CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      SpiffeId id = verify(chain, SpiffeCertificates.Role.SERVER);
      checkServer(id);
      remember(engine == null ? null : engine.getHandshakeSession(), id);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      SpiffeId id = verify(chain, SpiffeCertificates.Role.SERVER);
      checkServer(id);
      if (socket instanceof javax.net.ssl.SSLSocket s) {
        remember(s.getHandshakeSession(), id);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      checkServer(verify(chain, SpiffeCertificates.Role.SERVER));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
