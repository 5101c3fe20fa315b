package dev.agentweave.mesh.identity;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The X.509 authorities of one trust domain: certificates that SVIDs of that domain must chain to.
 * Immutable.
 *
 * @param trustDomain the trust domain
 * @param authorities its root (and, optionally, intermediate) CA certificates
 */
public record TrustBundle(TrustDomain trustDomain, List<X509Certificate> authorities) {
  /** Validates the components. */
  public TrustBundle {
    requireNonNull(trustDomain, "trustDomain");
    authorities = List.copyOf(authorities);
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException(
          "bundle of " + trustDomain + " is empty (expected: at least one CA certificate)");
    }
  }
}
