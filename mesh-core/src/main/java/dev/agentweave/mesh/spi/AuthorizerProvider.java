package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.MeshSettings;

/**
 * Creates the authorizer that {@code authorization.provider} names, found with {@link
 * java.util.ServiceLoader}: a module that brings a policy engine (authz-actor brings {@code cedar})
 * lists its provider in {@code META-INF/services/dev.agentweave.mesh.spi.AuthorizerProvider}.
 */
public interface AuthorizerProvider {
  /**
   * The value of {@code authorization.provider} this provider answers to.
   *
   * @return the provider name, for example {@code cedar}
   */
  String name();

  /**
   * Creates the node's authorizer.
   *
   * @param settings the node settings
   * @param metrics the node's metrics, for the authorizer's own meters
   * @return the authorizer; the node closes it when it stops
   * @throws IllegalArgumentException naming the setting or file that is wrong
   */
  Authorizer create(MeshSettings settings, Metrics metrics);
}
