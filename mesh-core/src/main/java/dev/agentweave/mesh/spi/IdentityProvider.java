package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;

/**
 * Opens the identity source that {@code identity.provider} names, found with {@link
 * java.util.ServiceLoader}: a module that brings identity sources lists its providers in {@code
 * META-INF/services/dev.agentweave.mesh.spi.IdentityProvider}. The module {@code
 * dev.agentweave:mesh-identity} brings {@code dev-ca}, {@code files} and {@code spiffe}.
 *
 * <p>A node opens its source on first use (the gateway or cluster remoting asks for it) and closes
 * it when the node has stopped; a source handed to the node's builder is used instead and stays the
 * caller's to close.
 */
public interface IdentityProvider {
  /**
   * The value of {@code identity.provider} this provider answers to.
   *
   * @return the provider name, for example {@code dev-ca}
   */
  String name();

  /**
   * Opens the node's identity source.
   *
   * @param settings the node settings
   * @return the source, holding a current SVID and bundle
   * @throws dev.agentweave.mesh.identity.IdentityException naming the setting or file that is
   *     wrong, or the source that cannot be reached
   */
  IdentitySource open(MeshSettings settings);
}
