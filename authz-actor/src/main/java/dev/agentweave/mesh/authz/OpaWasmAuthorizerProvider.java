package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.AuthorizationSettings.OpaWasmSettings;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthorizerProvider;
import java.nio.file.Path;

/**
 * {@code authorization.provider: opa-wasm}: a compiled OPA policy ({@code authorization.opa_wasm})
 * evaluated in-process behind the decision cache, with the audit log. Found by {@link
 * java.util.ServiceLoader}.
 */
public final class OpaWasmAuthorizerProvider implements AuthorizerProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public OpaWasmAuthorizerProvider() {}

  @Override
  public String name() {
    return "opa-wasm";
  }

  @Override
  public Authorizer create(MeshSettings settings, Metrics metrics) {
    OpaWasmSettings w = settings.authorization().opaWasm();
    PolicyEngine engine =
        new OpaWasmPolicyEngine(
            Path.of(w.module()),
            w.entrypoint(),
            w.dataFile().isEmpty() ? null : Path.of(w.dataFile()),
            w.reloadInterval());
    return EngineAuthorizers.caching(engine, settings, metrics);
  }
}
