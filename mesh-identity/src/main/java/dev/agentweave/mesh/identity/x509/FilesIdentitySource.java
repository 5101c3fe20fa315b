package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.support.FileWatch;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code files} identity source: SVIDs and bundles from PEM files that another process (a PKI
 * agent, cert-manager, a deployment script) keeps up to date. Each SVID is a chain file (leaf
 * first) and a PKCS#8 key file; the ID is read from the leaf's URI SAN, and the key must belong to
 * the leaf. The files are checked every poll interval; when one changes, the whole set is loaded
 * again and swapped in only if it is complete and consistent, so a half-written file never replaces
 * a working identity (the failure is logged and the next poll tries again). Thread-safe.
 */
public final class FilesIdentitySource implements IdentitySource {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.identity.files");

  /**
   * One SVID's files.
   *
   * @param certChain PEM chain, leaf first
   * @param privateKey PKCS#8 PEM key
   */
  public record SvidFiles(Path certChain, Path privateKey) {
    /** Validates the components. */
    public SvidFiles {
      requireNonNull(certChain, "certChain");
      requireNonNull(privateKey, "privateKey");
    }
  }

  /**
   * One bundle's file.
   *
   * @param trustDomain the trust domain
   * @param file PEM CA certificates
   */
  public record BundleFile(TrustDomain trustDomain, Path file) {
    /** Validates the components. */
    public BundleFile {
      requireNonNull(trustDomain, "trustDomain");
      requireNonNull(file, "file");
    }
  }

  private record Loaded(Map<SpiffeId, X509Svid> svids, Map<TrustDomain, TrustBundle> bundles) {}

  private final List<SvidFiles> svidFiles;
  private final List<BundleFile> bundleFiles;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final FileWatch watch;
  private volatile Loaded current;

  /**
   * Loads the files and starts watching them.
   *
   * @param svids the SVIDs' files, at least one
   * @param bundles the bundles' files, the node's own trust domain included
   * @param pollInterval how often to check the files for changes
   * @throws IdentityException naming the file and the problem if the set cannot be loaded
   */
  public FilesIdentitySource(
      List<SvidFiles> svids, List<BundleFile> bundles, Duration pollInterval) {
    this.svidFiles = List.copyOf(svids);
    this.bundleFiles = List.copyOf(bundles);
    if (svidFiles.isEmpty()) {
      throw new IdentityException(
          "identity.files.svids is empty (expected: at least one cert_chain and private_key)");
    }
    this.current = load();
    List<Path> watched = new ArrayList<>();
    svidFiles.forEach(
        f -> {
          watched.add(f.certChain());
          watched.add(f.privateKey());
        });
    bundleFiles.forEach(b -> watched.add(b.file()));
    this.watch = new FileWatch(watched, pollInterval, "agentweave-identity-files", this::reload);
  }

  private void reload() {
    Loaded next = load();
    current = next;
    LOG.info(
        "reloaded identities {} and bundles {}", next.svids().keySet(), next.bundles().keySet());
    listeners.forEach(Runnable::run);
  }

  private Loaded load() {
    Map<SpiffeId, X509Svid> svids = new LinkedHashMap<>();
    for (SvidFiles f : svidFiles) {
      List<X509Certificate> chain = Pem.readCertificates(f.certChain());
      PrivateKey key = Pem.readPrivateKey(f.privateKey());
      SpiffeId id;
      try {
        id = SpiffeCertificates.spiffeId(chain.get(0));
      } catch (CertificateException e) {
        throw new IdentityException(f.certChain() + ": " + e.getMessage(), e);
      }
      if (!keyMatches(key, chain.get(0))) {
        throw new IdentityException(
            f.privateKey()
                + ": the key does not belong to the certificate in "
                + f.certChain()
                + " (expected: the private key of "
                + id
                + ")");
      }
      svids.put(id, new X509Svid(id, chain, key));
    }
    Map<TrustDomain, TrustBundle> bundles = new LinkedHashMap<>();
    for (BundleFile b : bundleFiles) {
      bundles.put(
          b.trustDomain(), new TrustBundle(b.trustDomain(), Pem.readCertificates(b.file())));
    }
    return new Loaded(Map.copyOf(svids), Map.copyOf(bundles));
  }

  private static boolean keyMatches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      throw new IdentityException(
          "unsupported key algorithm " + key.getAlgorithm() + " (expected: EC, RSA or Ed25519)");
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * How many times changed files could not be loaded (the previous identities stayed in use).
   *
   * @return the count
   */
  public long failedReloads() {
    return watch.failures();
  }

  @Override
  public X509Svid svid(SpiffeId id) {
    X509Svid svid = current.svids().get(id);
    if (svid == null) {
      throw new IdentityException(
          "identity.files holds no SVID for "
              + id
              + " (it holds: "
              + current.svids().keySet()
              + ")");
    }
    return svid;
  }

  @Override
  public Optional<TrustBundle> bundle(TrustDomain trustDomain) {
    return Optional.ofNullable(current.bundles().get(trustDomain));
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public String name() {
    return "files";
  }

  @Override
  public void close() {
    watch.close();
  }
}
