package dev.agentweave.mesh.identity;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An X.509 SVID: the certificate chain (leaf first) that binds a SPIFFE ID to a key pair, and the
 * private key. Immutable; the key never leaves the process.
 *
 * @param id the SPIFFE ID in the leaf's URI SAN
 * @param chain the leaf certificate followed by any intermediates
 * @param privateKey the leaf's private key
 */
public record X509Svid(SpiffeId id, List<X509Certificate> chain, PrivateKey privateKey) {
  /** Validates the components. */
  public X509Svid {
    requireNonNull(id, "id");
    requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain is empty (expected: the leaf certificate first)");
    }
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** When the leaf stops being valid. */
  public Instant expiresAt() {
    return leaf().getNotAfter().toInstant();
  }

  /** When the leaf starts being valid. */
  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  @Override
  public String toString() {
    return "X509Svid["
        + id
        + ", serial "
        + leaf().getSerialNumber().toString(16)
        + ", expires "
        + expiresAt()
        + "]";
  }
}
