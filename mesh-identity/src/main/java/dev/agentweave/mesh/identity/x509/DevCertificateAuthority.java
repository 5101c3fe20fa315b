package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The built-in development CA: one self-signed EC P-256 root per trust domain, kept in a directory
 * ({@code ca.pem}, and {@code ca.key} with mode 0600), created on first use and reused afterwards.
 * It issues X.509 SVIDs: leaf certificates with exactly one URI SAN (the SPIFFE ID), optional DNS
 * and IP SANs so that tools such as curl accept a server, {@code CA:false}, key usage digital
 * signature, and extended key usage server and client authentication. For development and tests
 * only: production configurations refuse it. Thread-safe.
 */
public final class DevCertificateAuthority {
  /** Lifetime of a newly created root. */
  public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TrustDomain trustDomain;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Path directory;

  private DevCertificateAuthority(
      TrustDomain trustDomain, X509Certificate certificate, PrivateKey key, Path directory) {
    this.trustDomain = trustDomain;
    this.certificate = certificate;
    this.key = key;
    this.directory = directory;
  }

  /**
   * Opens the CA kept in a directory, creating it (and the directory) on first use.
   *
   * @param directory where {@code ca.pem} and {@code ca.key} live
   * @param trustDomain the trust domain the CA issues for
   * @return the CA
   * @throws IdentityException if the files exist but are unusable or belong to another trust
   *     domain, or the directory cannot be written
   */
  public static synchronized DevCertificateAuthority openOrCreate(
      Path directory, TrustDomain trustDomain) {
    requireNonNull(directory, "directory");
    requireNonNull(trustDomain, "trustDomain");
    try {
      Files.createDirectories(directory);
      if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (java.io.IOException e) {
      throw new IdentityException(
          directory + ": cannot create the dev CA directory (" + e.getMessage() + ")", e);
    }
    // Several processes may start on one directory at once (nodes of a development cluster): a
    // file lock makes exactly one of them create the CA and the others open it.
    try (java.nio.channels.FileChannel channel =
            java.nio.channels.FileChannel.open(
                directory.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = channel.lock()) {
      return openOrCreateLocked(directory, trustDomain);
    } catch (java.io.IOException e) {
      throw new IdentityException(
          directory + ": cannot lock the dev CA directory (" + e.getMessage() + ")", e);
    }
  }

  private static DevCertificateAuthority openOrCreateLocked(
      Path directory, TrustDomain trustDomain) {
    Path certFile = directory.resolve("ca.pem");
    Path keyFile = directory.resolve("ca.key");
    if (Files.exists(certFile) || Files.exists(keyFile)) {
      X509Certificate cert = Pem.readCertificates(certFile).get(0);
      PrivateKey key = Pem.readPrivateKey(keyFile);
      String expected = "spiffe://" + trustDomain.name();
      List<String> uris = SpiffeCertificates.uriSans(cert);
      if (!uris.contains(expected)) {
        throw new IdentityException(
            certFile
                + ": the dev CA there belongs to "
                + uris
                + " (expected: "
                + expected
                + "; use another identity.dev_ca.directory per trust domain)");
      }
      return new DevCertificateAuthority(trustDomain, cert, key, directory);
    }
    KeyPair pair = newKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("O=AgentWeave development CA,CN=" + trustDomain.name());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minusSeconds(60)),
              Date.from(now.plus(ROOT_LIFETIME)),
              name,
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName(
                  GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain.name())));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      Pem.write(keyFile, Pem.encodePrivateKey(pair.getPrivate()), true);
      Pem.write(certFile, Pem.encodeCertificates(List.of(cert)), false);
      return new DevCertificateAuthority(trustDomain, cert, pair.getPrivate(), directory);
    } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
      throw new IdentityException("cannot create the dev CA for " + trustDomain, e);
    }
  }

  /**
   * Issues an SVID.
   *
   * @param id the SPIFFE ID, in this CA's trust domain
   * @param lifetime how long the SVID is valid
   * @param serverNames DNS names and IP addresses to add as SANs (may be empty)
   * @return the SVID, with a fresh key pair
   * @throws IllegalArgumentException if the ID is in another trust domain or the lifetime is not
   *     positive
   */
  public X509Svid issue(SpiffeId id, Duration lifetime, List<String> serverNames) {
    requireNonNull(id, "id");
    requireNonNull(lifetime, "lifetime");
    if (!id.trustDomain().equals(trustDomain.name())) {
      throw new IllegalArgumentException(
          "the dev CA of "
              + trustDomain
              + " cannot issue "
              + id
              + " (expected: an ID in "
              + trustDomain
              + ")");
    }
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
    }
    Instant now = Instant.now();
    return issueCertificate(
        id, List.of(id.toString()), now.minusSeconds(30), now.plus(lifetime), serverNames);
  }

  /**
   * Issues a leaf certificate with arbitrary URI SANs and validity, for tests and tooling that need
   * certificates a verifier must refuse (two URI SANs, expired, not yet valid). Use {@link #issue}
   * for real SVIDs.
   *
   * @param id the ID recorded in the returned value
   * @param uriSans the URI SANs to write
   * @param notBefore start of validity
   * @param notAfter end of validity
   * @param serverNames DNS names and IP addresses to add as SANs
   * @return the certificate and its key
   */
  public X509Svid issueCertificate(
      SpiffeId id,
      List<String> uriSans,
      Instant notBefore,
      Instant notAfter,
      List<String> serverNames) {
    return issueCertificate(id, uriSans, notBefore, notAfter, serverNames, Usages.SVID);
  }

  /**
   * The key usages and extended key usages written into a leaf: {@link #SVID} for real SVIDs,
   * others for tests of what a verifier must refuse.
   *
   * @param keyUsages names of key usage bits ({@code digitalSignature}, {@code keyEncipherment},
   *     {@code keyAgreement}, {@code keyCertSign}, {@code cRLSign}); empty writes no key usage
   *     extension
   * @param extendedKeyUsages names of extended key usages ({@code serverAuth}, {@code clientAuth},
   *     {@code codeSigning}, {@code any}); empty writes no extended key usage extension
   */
  public record Usages(java.util.Set<String> keyUsages, List<String> extendedKeyUsages) {
    /** What the X.509-SVID specification asks of a leaf: digitalSignature, TLS both ways. */
    public static final Usages SVID =
        new Usages(
            java.util.Set.of("digitalSignature", "keyAgreement"),
            List.of("serverAuth", "clientAuth"));

    /** Copies the sets. */
    public Usages {
      keyUsages = java.util.Set.copyOf(keyUsages);
      extendedKeyUsages = List.copyOf(extendedKeyUsages);
    }
  }

  /**
   * {@link #issueCertificate(SpiffeId, List, Instant, Instant, List)} with chosen key usages.
   *
   * @param id the ID recorded in the returned value
   * @param uriSans the URI SANs to write
   * @param notBefore start of validity
   * @param notAfter end of validity
   * @param serverNames DNS names and IP addresses to add as SANs
   * @param usages the key usages and extended key usages to write
   * @return the certificate and its key
   * @throws IllegalArgumentException for an unknown usage name
   */
  public X509Svid issueCertificate(
      SpiffeId id,
      List<String> uriSans,
      Instant notBefore,
      Instant notAfter,
      List<String> serverNames,
      Usages usages) {
    KeyPair pair = newKeyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name(
                  "O=AgentWeave,CN="
                      + (id.agentName().isEmpty() ? id.trustDomain() : id.agentName())),
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (!usages.keyUsages().isEmpty()) {
        int bits = 0;
        for (String u : usages.keyUsages()) {
          bits |=
              switch (u) {
                case "digitalSignature" -> KeyUsage.digitalSignature;
                case "keyEncipherment" -> KeyUsage.keyEncipherment;
                case "keyAgreement" -> KeyUsage.keyAgreement;
                case "keyCertSign" -> KeyUsage.keyCertSign;
                case "cRLSign" -> KeyUsage.cRLSign;
                default -> throw new IllegalArgumentException("key usage: " + u);
              };
        }
        b.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
      }
      if (!usages.extendedKeyUsages().isEmpty()) {
        List<KeyPurposeId> purposes = new ArrayList<>();
        for (String u : usages.extendedKeyUsages()) {
          purposes.add(
              switch (u) {
                case "serverAuth" -> KeyPurposeId.id_kp_serverAuth;
                case "clientAuth" -> KeyPurposeId.id_kp_clientAuth;
                case "codeSigning" -> KeyPurposeId.id_kp_codeSigning;
                case "any" -> KeyPurposeId.anyExtendedKeyUsage;
                default -> throw new IllegalArgumentException("extended key usage: " + u);
              });
        }
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
      }
      List<GeneralName> sans = new ArrayList<>();
      for (String uri : uriSans) {
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      }
      for (String n : serverNames) {
        sans.add(
            isIpAddress(n)
                ? new GeneralName(GeneralName.iPAddress, n)
                : new GeneralName(GeneralName.dNSName, n));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new X509Svid(id, List.of(sign(b, key)), pair.getPrivate());
    } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
      throw new IdentityException("cannot issue an SVID for " + id, e);
    }
  }

  /** The trust domain this CA issues for. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The root certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The bundle of this CA's trust domain: its root. */
  public TrustBundle bundle() {
    return new TrustBundle(trustDomain, List.of(certificate));
  }

  /** The directory the CA lives in. */
  public Path directory() {
    return directory;
  }

  private static boolean isIpAddress(String s) {
    if (s.indexOf(':') >= 0) {
      return true;
    }
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IdentityException("EC P-256 key generation is not available", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
