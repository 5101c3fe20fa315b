package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.spi.IdentityProvider;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the {@link IdentityProvider} that {@code identity.provider} names. */
public final class IdentityProviders {
  private IdentityProviders() {}

  /**
   * Opens the identity source of a node.
   *
   * @param settings the node settings
   * @return the source
   * @throws IdentityException when no provider on the classpath has that name, or it fails
   */
  public static IdentitySource open(MeshSettings settings) {
    String name = settings.identity().provider();
    TreeSet<String> found = new TreeSet<>();
    for (IdentityProvider p :
        ServiceLoader.load(IdentityProvider.class, IdentityProviders.class.getClassLoader())) {
      if (p.name().equals(name)) {
        return p.open(settings);
      }
      found.add(p.name());
    }
    throw new IdentityException(
        "identity.provider: '"
            + name
            + "' has no implementation on the classpath (expected: dev-ca, files or spiffe,"
            + " from the module dev.agentweave:mesh-identity; found: "
            + (found.isEmpty() ? "none" : String.join(", ", found))
            + ")");
  }
}
