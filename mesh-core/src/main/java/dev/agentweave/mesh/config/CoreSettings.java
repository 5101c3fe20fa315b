package dev.agentweave.mesh.config;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.config.AgentSettings.CapabilitySettings;
import dev.agentweave.mesh.config.AuthorizationSettings.AllowRule;
import dev.agentweave.mesh.config.AuthorizationSettings.AuditRotation;
import dev.agentweave.mesh.config.AuthorizationSettings.AuditSettings;
import dev.agentweave.mesh.config.AuthorizationSettings.CacheSettings;
import dev.agentweave.mesh.config.AuthorizationSettings.CedarSettings;
import dev.agentweave.mesh.config.AuthorizationSettings.OpaWasmSettings;
import dev.agentweave.mesh.config.MeshSettings.DefaultAction;
import dev.agentweave.mesh.config.MeshSettings.Environment;
import dev.agentweave.mesh.config.ObservabilitySettings.LoggingSettings;
import dev.agentweave.mesh.config.ObservabilitySettings.MetricsSettings;
import dev.agentweave.mesh.config.ObservabilitySettings.TracingSettings;
import dev.agentweave.mesh.config.TransportSettings.CircuitBreakerSettings;
import dev.agentweave.mesh.config.TransportSettings.ConcurrencyLimitSettings;
import dev.agentweave.mesh.config.TransportSettings.PeerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads mesh-core's own sections into {@link MeshSettings} and applies the rules across their keys
 * (the production rules among them). Modules read their own sections ({@link ConfigSection}).
 */
final class CoreSettings {
  private CoreSettings() {}

  static void checkRules(MeshSettings s, ConfigReader reader) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < s.agent().capabilities().size(); i++) {
      String name = s.agent().capabilities().get(i).name();
      if (seen.contains(name)) {
        reader.addProblem(
            new ConfigProblem(
                "agent.capabilities[" + i + "].name", name, "each capability listed once", null));
      }
      seen.add(name);
    }
    if (!s.isProduction()) {
      return;
    }
    String why = "required when agent.environment is production";
    if (s.authorization().provider().equals("allow-all")) {
      reader.addProblem(
          new ConfigProblem(
              "authorization.provider",
              "allow-all",
              "a real policy engine, not allow-all (" + why + ")",
              reader.envSource("authorization.provider")));
    }
    if (s.authorization().defaultAction() != DefaultAction.DENY) {
      reader.addProblem(
          new ConfigProblem(
              "authorization.default_action",
              "log-only",
              "deny (" + why + ")",
              reader.envSource("authorization.default_action")));
    }
    if (!s.transport().peerVerification().equals("strict")) {
      reader.addProblem(
          new ConfigProblem(
              "transport.peer_verification",
              s.transport().peerVerification(),
              "strict (" + why + ")",
              reader.envSource("transport.peer_verification")));
    }
    if (!s.authorization().audit().enabled()) {
      reader.addProblem(
          new ConfigProblem(
              "authorization.audit.enabled",
              "false",
              "true (" + why + ")",
              reader.envSource("authorization.audit.enabled")));
    }
    if (s.authorization().provider().equals("cedar")
        && s.authorization().cedar().policyFile().isEmpty()) {
      reader.addProblem(
          new ConfigProblem(
              "authorization.cedar.policy_file",
              null,
              "a Cedar policy file when authorization.provider is cedar",
              reader.envSource("authorization.cedar.policy_file")));
    }
    if (s.authorization().provider().equals("opa-wasm")
        && s.authorization().opaWasm().module().isEmpty()) {
      reader.addProblem(
          new ConfigProblem(
              "authorization.opa_wasm.module",
              null,
              "a compiled OPA wasm module when authorization.provider is opa-wasm",
              reader.envSource("authorization.opa_wasm.module")));
    }
    if (s.identity().provider().equals("dev-ca")) {
      reader.addProblem(
          new ConfigProblem(
              "identity.provider",
              "dev-ca",
              "spiffe or files; the development CA is not for production (" + why + ")",
              reader.envSource("identity.provider")));
    }
  }

  @SuppressWarnings("unchecked")
  static MeshSettings build(ConfigReader.Result result) {
    Values v = new Values(result.values());
    List<CapabilitySettings> caps = new ArrayList<>();
    for (Map<String, Object> item : (List<Map<String, Object>>) v.raw("agent.capabilities")) {
      Values c = new Values(item);
      caps.add(
          new CapabilitySettings(
              c.str("name"),
              c.str("description"),
              c.list("input_modes"),
              c.list("output_modes"),
              c.raw("timeout_seconds") == null ? null : c.seconds("timeout_seconds"),
              c.raw("max_in_flight") == null ? 0 : c.integer("max_in_flight"),
              c.raw("mailbox_capacity") == null ? 0 : c.integer("mailbox_capacity")));
    }
    AgentSettings agent =
        new AgentSettings(
            v.str("agent.name"),
            v.str("agent.trust_domain"),
            v.str("agent.description"),
            Environment.valueOf(v.str("agent.environment").toUpperCase(Locale.ROOT)),
            List.copyOf(caps));
    IdentitySettings identity = new IdentitySettings(v.str("identity.provider"));
    List<AllowRule> rules = new ArrayList<>();
    for (Map<String, Object> item : (List<Map<String, Object>>) v.raw("authorization.allow")) {
      Values r = new Values(item);
      if (r.raw("caller") == null || r.raw("callee") == null) {
        continue; // already reported as a missing required key
      }
      rules.add(
          new AllowRule(
              SpiffeIdPattern.of(r.str("caller")),
              SpiffeIdPattern.of(r.str("callee")),
              r.list("actions")));
    }
    AuthorizationSettings authz =
        new AuthorizationSettings(
            v.str("authorization.provider"),
            v.str("authorization.default_action").equals("deny")
                ? DefaultAction.DENY
                : DefaultAction.LOG_ONLY,
            v.str("authorization.opa_endpoint"),
            v.str("authorization.policy_path"),
            List.copyOf(rules),
            new CacheSettings(
                v.bool("authorization.cache.enabled"),
                v.seconds("authorization.cache.ttl_seconds"),
                v.seconds("authorization.cache.deny_ttl_seconds"),
                v.integer("authorization.cache.max_size"),
                v.str("authorization.cache.eviction_policy")),
            new AuditSettings(
                v.bool("authorization.audit.enabled"),
                v.str("authorization.audit.destination"),
                new AuditRotation(
                    Math.round(v.dbl("authorization.audit.rotation.max_file_mb") * 1024 * 1024),
                    Duration.ofNanos(
                        Math.round(v.dbl("authorization.audit.rotation.max_age_hours") * 3.6e12)),
                    v.integer("authorization.audit.rotation.max_files"))),
            v.seconds("authorization.decision_timeout_seconds"),
            new CedarSettings(
                v.str("authorization.cedar.policy_file"),
                v.str("authorization.cedar.entities_file"),
                v.seconds("authorization.cedar.reload_seconds")),
            new OpaWasmSettings(
                v.str("authorization.opa_wasm.module"),
                v.str("authorization.opa_wasm.entrypoint"),
                v.str("authorization.opa_wasm.data_file"),
                v.seconds("authorization.opa_wasm.reload_seconds")));
    List<PeerSettings> peers = new ArrayList<>();
    for (Map<String, Object> item : (List<Map<String, Object>>) v.raw("transport.peers")) {
      Values r = new Values(item);
      if (r.raw("spiffe_id") == null) {
        continue; // already reported as a missing required key
      }
      List<java.net.URI> urls = new ArrayList<>();
      for (String u : r.list("urls")) {
        urls.add(java.net.URI.create(u));
      }
      peers.add(new PeerSettings(SpiffeId.parse(r.str("spiffe_id")), List.copyOf(urls)));
    }
    TransportSettings transport =
        new TransportSettings(
            v.str("transport.tls_min_version"),
            v.str("transport.peer_verification"),
            v.seconds("transport.timeout_seconds"),
            new ConcurrencyLimitSettings(
                v.integer("transport.concurrency_limit.max_in_flight"),
                v.integer("transport.concurrency_limit.max_queued")),
            new CircuitBreakerSettings(
                v.bool("transport.circuit_breaker.enabled"),
                v.integer("transport.circuit_breaker.failure_threshold"),
                v.seconds("transport.circuit_breaker.recovery_timeout_seconds"),
                v.integer("transport.circuit_breaker.success_threshold"),
                v.integer("transport.circuit_breaker.half_open_requests")),
            List.copyOf(peers));
    ServerSettings server =
        new ServerSettings(
            v.bool("server.enabled"),
            v.seconds("server.graceful_shutdown_seconds"),
            v.integer("server.blocking_pool_size"),
            v.list("server.agents"));
    // The scrape port binds where the gateway does unless told otherwise; server.host is
    // mesh-http's key, so without that module the fallback is every address.
    String metricsHost =
        v.has("server.host")
            ? v.strOr("observability.metrics.host", "server.host")
            : v.str("observability.metrics.host").isEmpty()
                ? "0.0.0.0"
                : v.str("observability.metrics.host");
    ObservabilitySettings obs =
        new ObservabilitySettings(
            new MetricsSettings(
                v.bool("observability.metrics.enabled"),
                metricsHost,
                v.integer("observability.metrics.port"),
                v.str("observability.metrics.path"),
                v.bool("observability.metrics.percentile_histograms")),
            new TracingSettings(
                v.bool("observability.tracing.enabled"),
                v.str("observability.tracing.exporter"),
                v.str("observability.tracing.endpoint"),
                v.dbl("observability.tracing.sample_rate")),
            new LoggingSettings(
                v.str("observability.logging.level"), v.str("observability.logging.format")));
    return new MeshSettings(
        agent, identity, authz, transport, server, obs, List.of(), result.warnings());
  }

  private record Values(Map<String, Object> map) {
    boolean has(String k) {
      return map.containsKey(k);
    }

    Object raw(String k) {
      return map.get(k);
    }

    String str(String k) {
      Object o = map.get(k);
      return o == null ? "" : o.toString();
    }

    int integer(String k) {
      Object o = map.get(k);
      return o == null ? 0 : (int) Math.min(Integer.MAX_VALUE, ((Number) o).longValue());
    }

    double dbl(String k) {
      return ((Number) map.get(k)).doubleValue();
    }

    /** The value of {@code k}, or of {@code fallback} when {@code k} is empty. */
    String strOr(String k, String fallback) {
      String v = str(k);
      return v.isEmpty() ? str(fallback) : v;
    }

    boolean bool(String k) {
      return (Boolean) map.get(k);
    }

    Duration seconds(String k) {
      return Duration.ofNanos(Math.round(((Number) map.get(k)).doubleValue() * 1e9));
    }

    @SuppressWarnings("unchecked")
    List<String> list(String k) {
      Object o = map.get(k);
      return o == null ? List.of() : List.copyOf((List<String>) o);
    }
  }
}
