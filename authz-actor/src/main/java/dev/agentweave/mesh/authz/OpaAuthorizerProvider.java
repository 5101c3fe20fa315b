package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.TransportSettings.CircuitBreakerSettings;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthorizerProvider;

/**
 * {@code authorization.provider: opa}: an OPA server's Data API ({@code
 * authorization.opa_endpoint}, {@code authorization.policy_path}) behind the node's decision cache,
 * with the audit log; requests time out after {@code authorization.decision_timeout_seconds} and a
 * circuit breaker from {@code transport.circuit_breaker} stops asking a failing server. Found by
 * {@link java.util.ServiceLoader}.
 */
public final class OpaAuthorizerProvider implements AuthorizerProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public OpaAuthorizerProvider() {}

  @Override
  public String name() {
    return "opa";
  }

  @Override
  public Authorizer create(MeshSettings settings, Metrics metrics) {
    AuthorizationSettings a = settings.authorization();
    CircuitBreakerSettings cb = settings.transport().circuitBreaker();
    PolicyEngine engine =
        new OpaRestPolicyEngine(
            a.opaEndpoint(),
            a.policyPath(),
            a.decisionTimeout(),
            cb.enabled() ? cb.failureThreshold() : Integer.MAX_VALUE,
            cb.recoveryTimeout());
    return EngineAuthorizers.caching(engine, settings, metrics);
  }
}
