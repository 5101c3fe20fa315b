package dev.agentweave.mesh.identity;

import dev.agentweave.mesh.SpiffeId;
import java.util.Optional;

/**
 * Where a node's identities come from: the current X.509 SVID of each agent it hosts and the trust
 * bundles it verifies peers with. Implementations rotate SVIDs and bundles on their own and tell
 * listeners; TLS contexts read the current values at every handshake, so rotation applies to new
 * connections without a restart and without touching connections in use. Configured under {@code
 * identity:} ({@code dev-ca}, {@code files}, {@code spiffe}). Implementations are thread-safe.
 */
public interface IdentitySource extends AutoCloseable {
  /**
   * The current SVID of an identity this node holds.
   *
   * @param id the identity, typically an agent's SPIFFE ID
   * @return the SVID
   * @throws IdentityException if the source does not hold that identity
   */
  X509Svid svid(SpiffeId id);

  /**
   * The current bundle of a trust domain.
   *
   * @param trustDomain the trust domain
   * @return the bundle, if the source has one
   */
  Optional<TrustBundle> bundle(TrustDomain trustDomain);

  /**
   * Registers a listener called (on a source thread) after any SVID or bundle changed.
   *
   * @param listener the listener; must not block
   */
  void onChange(Runnable listener);

  /** A short name for logs: {@code dev-ca}, {@code files}, {@code spiffe}. */
  String name();

  /** Stops rotation and releases resources. */
  @Override
  default void close() {}
}
