package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.config.MeshSettings;
import java.util.concurrent.ForkJoinPool;

/** Wires a policy engine with the configured decision cache and audit log. */
final class EngineAuthorizers {
  private EngineAuthorizers() {}

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
    AuditLog audit =
        a.audit().enabled()
            ? AuditLog.open(a.audit().destination(), a.audit().rotation(), metrics)
            : null;
    return new CachingAuthorizer(engine, cache, audit, a.decisionTimeout(), metrics);
  }
}
