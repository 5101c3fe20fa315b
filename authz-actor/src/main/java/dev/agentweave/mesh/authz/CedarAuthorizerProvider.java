package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.MeshSettings.AuthorizationSettings;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthorizerProvider;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;

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
    return Authorizers.caching(engine, settings, metrics);
  }

  /** Shared wiring of an engine with the configured cache and audit log. */
  static final class Authorizers {
    private Authorizers() {}

    static CachingAuthorizer caching(PolicyEngine engine, MeshSettings settings, Metrics metrics) {
      AuthorizationSettings a = settings.authorization();
      DecisionCache cache =
          a.cache().enabled()
              ? new DecisionCache(
                  a.cache().maxSize(),
                  a.cache().ttl(),
                  a.cache().denyTtl(),
                  ForkJoinPool.commonPool())
              : null;
      AuditLog audit = a.audit().enabled() ? AuditLog.open(a.audit().destination(), metrics) : null;
      return new CachingAuthorizer(engine, cache, audit, a.decisionTimeout(), metrics);
    }
  }
}
