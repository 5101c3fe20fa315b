package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Verification of X.509 SVIDs presented by peers, by the rules of the SPIFFE X.509-SVID
 * specification: the leaf has exactly one URI SAN, a valid SPIFFE ID, is not a CA, is within its
 * validity period, and chains to the bundle of its own trust domain, which must be accepted.
 */
public final class SpiffeCertificates {
  private SpiffeCertificates() {}

  /**
   * The URI SANs of a certificate.
   *
   * @param cert the certificate
   * @return its URI SANs, possibly empty
   */
  public static List<String> uriSans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(6).equals(san.get(0))) {
            out.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return out;
  }

  /**
   * The SPIFFE ID of an SVID leaf, without verifying the chain.
   *
   * @param leaf the leaf certificate
   * @return the ID
   * @throws CertificateException if there is not exactly one URI SAN or it is not a SPIFFE ID
   */
  public static SpiffeId spiffeId(X509Certificate leaf) throws CertificateException {
    List<String> uris = uriSans(leaf);
    if (uris.size() != 1) {
      throw new CertificateException(
          "certificate '"
              + leaf.getSubjectX500Principal().getName()
              + "' has "
              + uris.size()
              + " URI SANs "
              + uris
              + " (expected: exactly one SPIFFE ID)");
    }
    try {
      return SpiffeId.parse(uris.get(0));
    } catch (IllegalArgumentException e) {
      throw new CertificateException(e.getMessage());
    }
  }

  /**
   * Verifies a peer's chain and returns its SPIFFE ID.
   *
   * @param chain the peer's chain, leaf first
   * @param accepted the trust domains whose peers are accepted
   * @param bundles the bundle of a trust domain, if known
   * @return the peer's SPIFFE ID
   * @throws CertificateException naming the rule the chain breaks
   */
  public static SpiffeId verify(
      X509Certificate[] chain,
      Set<TrustDomain> accepted,
      Function<TrustDomain, Optional<TrustBundle>> bundles)
      throws CertificateException {
    return verify(chain, accepted, bundles, Role.ANY);
  }

  /** The role a peer's certificate is presented in, for its extended key usage. */
  public enum Role {
    /** A TLS client: an extended key usage, if present, must allow clientAuth. */
    CLIENT,
    /** A TLS server: an extended key usage, if present, must allow serverAuth. */
    SERVER,
    /** Either: the extended key usage is not checked. */
    ANY
  }

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  /**
   * Verifies a peer's chain presented in a TLS role and returns its SPIFFE ID: {@link
   * #verify(X509Certificate[], Set, Function)} plus the leaf's key usage (digitalSignature set,
   * keyCertSign and cRLSign not, as the X.509-SVID specification requires) and, when the leaf has
   * an extended key usage, that it allows the role.
   *
   * @param chain the peer's chain, leaf first
   * @param accepted the trust domains whose peers are accepted
   * @param bundles the bundle of a trust domain, if known
   * @param role the role the chain is presented in
   * @return the peer's SPIFFE ID
   * @throws CertificateException naming the rule the chain breaks
   */
  public static SpiffeId verify(
      X509Certificate[] chain,
      Set<TrustDomain> accepted,
      Function<TrustDomain, Optional<TrustBundle>> bundles,
      Role role)
      throws CertificateException {
    requireNonNull(accepted, "accepted");
    requireNonNull(role, "role");
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no certificate presented (expected: an X.509 SVID)");
    }
    X509Certificate leaf = chain[0];
    SpiffeId id = spiffeId(leaf);
    if (leaf.getBasicConstraints() != -1) {
      throw new CertificateException(id + ": the leaf certificate is a CA (expected: CA:false)");
    }
    checkUsages(id, leaf, role);
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new CertificateException(
          id + ": certificate expired at " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new CertificateException(
          id + ": certificate not valid before " + leaf.getNotBefore().toInstant());
    }
    TrustDomain td = TrustDomain.of(id);
    if (!accepted.contains(td)) {
      throw new CertificateException(
          id
              + ": trust domain "
              + td
              + " is not accepted (expected: one of "
              + accepted
              + "; add it to identity.allowed_trust_domains to federate)");
    }
    TrustBundle bundle =
        bundles
            .apply(td)
            .orElseThrow(
                () ->
                    new CertificateException(
                        id
                            + ": no trust bundle for "
                            + td
                            + " (expected: a bundle from the identity source)"));
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : bundle.authorities()) {
      anchors.add(new TrustAnchor(ca, null));
    }
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (!bundle.authorities().contains(c)) {
        path.add(c);
      }
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(new Date());
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      throw new CertificateException(
          id + ": certificate does not chain to the bundle of " + td + " (" + e.getMessage() + ")");
    } catch (GeneralSecurityException e) {
      throw new CertificateException(id + ": chain cannot be validated (" + e.getMessage() + ")");
    }
    return id;
  }

  private static void checkUsages(SpiffeId id, X509Certificate leaf, Role role)
      throws CertificateException {
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      throw new CertificateException(
          id
              + ": the leaf has no key usage extension (expected: digitalSignature, per X.509-SVID)");
    }
    if (!ku[0]) {
      throw new CertificateException(
          id + ": the leaf's key usage lacks digitalSignature (expected: set, per X.509-SVID)");
    }
    if ((ku.length > 5 && ku[5]) || (ku.length > 6 && ku[6])) {
      throw new CertificateException(
          id
              + ": the leaf's key usage includes keyCertSign or cRLSign (expected: neither on a"
              + " leaf, per X.509-SVID)");
    }
    if (role == Role.ANY) {
      return;
    }
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new CertificateException(id + ": the leaf's extended key usage does not parse");
    }
    if (eku == null || eku.contains(ANY_EXTENDED_KEY_USAGE)) {
      return;
    }
    String needed = role == Role.CLIENT ? CLIENT_AUTH : SERVER_AUTH;
    if (!eku.contains(needed)) {
      throw new CertificateException(
          id
              + ": the leaf's extended key usage does not allow "
              + (role == Role.CLIENT ? "clientAuth" : "serverAuth")
              + " (expected: "
              + (role == Role.CLIENT ? "clientAuth" : "serverAuth")
              + " for a TLS "
              + role.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
  }
}
