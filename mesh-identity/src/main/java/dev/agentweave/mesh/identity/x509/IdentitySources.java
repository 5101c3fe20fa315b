package dev.agentweave.mesh.identity.x509;

import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings.BundleFile;
import dev.agentweave.mesh.spi.IdentityProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Creates the identity source and TLS factory that {@code identity:} configures. Its nested
 * providers ({@link DevCa}, {@link Files}, {@link Spiffe}) are how a node finds the sources of this
 * module through {@link IdentityProvider}.
 */
public final class IdentitySources {
  private IdentitySources() {}

  /**
   * The identity source named by {@code identity.provider}.
   *
   * @param settings the node settings
   * @return the source; close it when the node stops
   * @throws IdentityException if the source cannot be created (unreadable files, a CA of another
   *     trust domain, a provider not available in this build)
   */
  public static IdentitySource fromSettings(MeshSettings settings) {
    String provider = settings.identity().provider();
    return switch (provider) {
      case "dev-ca" -> devCa(settings);
      case "files" -> files(settings);
      case "spiffe" -> spiffe(settings);
      default ->
          throw new IdentityException(
              "identity.provider: '" + provider + "' (expected: dev-ca, files or spiffe)");
    };
  }

  private static List<TrustBundle> foreignBundles(X509IdentitySettings id) {
    List<TrustBundle> foreign = new ArrayList<>();
    for (BundleFile b : id.bundles()) {
      foreign.add(
          new TrustBundle(
              new TrustDomain(b.trustDomain()), Pem.readCertificates(Path.of(b.file()))));
    }
    return foreign;
  }

  private static IdentitySource devCa(MeshSettings settings) {
    X509IdentitySettings id = settings.section(X509IdentitySettings.class);
    List<TrustBundle> foreign = foreignBundles(id);
    DevCertificateAuthority ca =
        DevCertificateAuthority.openOrCreate(
            Path.of(id.devCa().directory()), new TrustDomain(settings.agent().trustDomain()));
    return new DevCaIdentitySource(
        ca, id.devCa().svidTtl(), id.devCa().renewFraction(), id.devCa().serverNames(), foreign);
  }

  private static IdentitySource files(MeshSettings settings) {
    X509IdentitySettings id = settings.section(X509IdentitySettings.class);
    List<FilesIdentitySource.BundleFile> bundles = new ArrayList<>();
    bundles.add(
        new FilesIdentitySource.BundleFile(
            new TrustDomain(settings.agent().trustDomain()), Path.of(id.files().bundle())));
    for (TrustBundle b : foreignBundles(id)) {
      bundles.add(
          new FilesIdentitySource.BundleFile(b.trustDomain(), foreignFile(id, b.trustDomain())));
    }
    List<FilesIdentitySource.SvidFiles> svids = new ArrayList<>();
    for (X509IdentitySettings.SvidFile f : id.files().svids()) {
      svids.add(new FilesIdentitySource.SvidFiles(Path.of(f.certChain()), Path.of(f.privateKey())));
    }
    return new FilesIdentitySource(svids, bundles, id.files().pollInterval());
  }

  private static IdentitySource spiffe(MeshSettings settings) {
    return new SpiffeIdentitySource(spiffeEndpoint(settings), Duration.ofSeconds(30));
  }

  /** {@code identity.provider: dev-ca}: the {@link DevCaIdentitySource}, for development. */
  public static final class DevCa implements IdentityProvider {
    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public DevCa() {}

    @Override
    public String name() {
      return "dev-ca";
    }

    @Override
    public IdentitySource open(MeshSettings settings) {
      return devCa(settings);
    }
  }

  /** {@code identity.provider: files}: the {@link FilesIdentitySource}, watched PEM files. */
  public static final class Files implements IdentityProvider {
    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public Files() {}

    @Override
    public String name() {
      return "files";
    }

    @Override
    public IdentitySource open(MeshSettings settings) {
      return files(settings);
    }
  }

  /** {@code identity.provider: spiffe}: the {@link SpiffeIdentitySource}, a SPIFFE Workload API. */
  public static final class Spiffe implements IdentityProvider {
    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public Spiffe() {}

    @Override
    public String name() {
      return "spiffe";
    }

    @Override
    public IdentitySource open(MeshSettings settings) {
      return spiffe(settings);
    }
  }

  /**
   * The Workload API address: {@code identity.spiffe_endpoint} when it differs from the default,
   * else {@code SPIFFE_ENDPOINT_SOCKET} when set, else the default.
   *
   * @param settings the node settings
   * @return the address
   */
  public static String spiffeEndpoint(MeshSettings settings) {
    String configured = settings.section(X509IdentitySettings.class).spiffeEndpoint();
    String env = System.getenv("SPIFFE_ENDPOINT_SOCKET");
    if (configured.equals(DEFAULT_SPIFFE_ENDPOINT) && env != null && !env.isBlank()) {
      return env;
    }
    return configured;
  }

  private static final String DEFAULT_SPIFFE_ENDPOINT = "unix:///run/spire/sockets/agent.sock";

  private static Path foreignFile(X509IdentitySettings id, TrustDomain td) {
    for (BundleFile b : id.bundles()) {
      if (b.trustDomain().equals(td.name())) {
        return Path.of(b.file());
      }
    }
    throw new IllegalStateException("no bundle file for " + td);
  }

  /**
   * The TLS factory for a node: its trust domain, {@code identity.allowed_trust_domains} and {@code
   * transport.tls_min_version}.
   *
   * @param source the identity source
   * @param settings the node settings
   * @param rejections told the reason of every rejected peer certificate
   * @return the factory
   */
  public static SpiffeTls tls(
      IdentitySource source, MeshSettings settings, Consumer<String> rejections) {
    List<TrustDomain> allowed = new ArrayList<>();
    for (String td : settings.section(X509IdentitySettings.class).allowedTrustDomains()) {
      allowed.add(new TrustDomain(td));
    }
    SpiffeTls tls =
        SpiffeTls.create(
            source,
            new TrustDomain(settings.agent().trustDomain()),
            allowed,
            settings.transport().tlsMinVersion(),
            rejections);
    return settings.transport().peerVerification().equals("log-only") ? tls.logOnly() : tls;
  }
}
