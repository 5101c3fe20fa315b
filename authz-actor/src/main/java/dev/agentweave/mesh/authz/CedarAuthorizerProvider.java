package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthorizerProvider;
import java.nio.file.Path;

/**
 * {@code authorization.provider: cedar}: the embedded Cedar engine behind the node's decision cache
 * ({@code authorization.cache}) with the audit log ({@code authorization.audit}). Found by {@link
 * java.util.ServiceLoader}.
 */
public final class CedarAuthorizerProvider implements AuthorizerProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public CedarAuthorizerProvider() {}

  @Override
  public String name() {
    return "cedar";
  }

  @Override
  public Authorizer create(MeshSettings settings, Metrics metrics) {
    AuthorizationSettings a = settings.authorization();
    PolicyEngine engine =
        new CedarPolicyEngine(
            Path.of(a.cedar().policyFile()),
            a.cedar().entitiesFile().isEmpty() ? null : Path.of(a.cedar().entitiesFile()),
            a.cedar().reloadInterval());
    return EngineAuthorizers.caching(engine, settings, metrics);
  }
}
