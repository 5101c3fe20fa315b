package dev.agentweave.mesh.config;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.list;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.positive;
import static dev.agentweave.mesh.config.ConfigSpec.required;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of mesh-core's sections about how the node calls, serves and is observed: {@code
 * transport}, {@code server}, {@code observability}.
 */
final class ServingSchema {

  private ServingSchema() {}

  /**
   * The node's own keys of the {@code transport} section; mesh-http adds those of its pooled client
   * ({@code connection_pool}, {@code retry}; ADR 0005). The circuit breakers stay here: the pooled
   * client and authz-actor's OPA client both read them.
   */
  static Section transport() {
    Map<String, Spec> limit = new LinkedHashMap<>();
    limit.put(
        "max_in_flight",
        leaf(
            Kind.INT,
            512,
            intRange(1, 1_000_000),
            "an integer in 1..1000000",
            "Calls in flight per (calling agent, destination)."));
    limit.put(
        "max_queued",
        leaf(
            Kind.INT,
            4096,
            intRange(0, 10_000_000),
            "an integer in 0..10000000",
            "Calls waiting for a slot before calls fail as overloaded."));
    Map<String, Spec> breaker = new LinkedHashMap<>();
    breaker.put("enabled", bool(true, "Use a circuit breaker per destination."));
    breaker.put(
        "failure_threshold",
        leaf(Kind.INT, 5, intRange(1, 10_000), "an integer in 1..10000", "Failures that open it."));
    breaker.put("recovery_timeout_seconds", seconds(30, "Time open before half-open."));
    breaker.put(
        "success_threshold",
        leaf(
            Kind.INT,
            2,
            intRange(1, 10_000),
            "an integer in 1..10000",
            "Successes that close it."));
    breaker.put(
        "half_open_requests",
        leaf(
            Kind.INT,
            1,
            intRange(1, 10_000),
            "an integer in 1..10000",
            "Trial calls when half-open."));
    Map<String, Spec> peer = new LinkedHashMap<>();
    peer.put(
        "spiffe_id",
        required(
            Kind.STRING,
            v -> {
              try {
                SpiffeId.parse((String) v);
                return true;
              } catch (IllegalArgumentException e) {
                return false;
              }
            },
            "a SPIFFE ID such as spiffe://example.org/agent/search",
            "An agent that runs on another node."));
    peer.put(
        "urls",
        list(
            List.of(),
            v -> {
              String u = (String) v;
              return u.startsWith("https://") && u.length() > "https://".length();
            },
            "a list of https:// gateway URLs",
            "Gateways that serve it; calls spread over them."));

    Map<String, Spec> transport = new LinkedHashMap<>();
    transport.put("tls_min_version", oneOf("1.3", "Lowest TLS version accepted.", "1.2", "1.3"));
    transport.put(
        "peer_verification", oneOf("strict", "Peer certificate checks.", "strict", "log-only"));
    transport.put(
        "timeout_seconds",
        leaf(
            Kind.DOUBLE,
            30.0,
            positive(),
            "a number of seconds > 0",
            "Default timeout of a call."));
    transport.put("concurrency_limit", new Section(limit, null));
    transport.put("circuit_breaker", new Section(breaker, null));
    transport.put(
        "peers",
        new ObjectList(
            new Section(peer, null),
            "Agents on other nodes and the gateways that serve them (a static directory)."));
    return new Section(transport, null);
  }

  /**
   * The node's own keys of the {@code server} section; mesh-http adds the gateway's keys (ADR
   * 0005).
   */
  static Section server() {
    Map<String, Spec> server = new LinkedHashMap<>();
    server.put(
        "enabled",
        bool(
            true,
            "Serve the node's mutual-TLS gateway (with the mesh-http module on the class path);"
                + " false for a node that only calls out."));
    server.put(
        "graceful_shutdown_seconds",
        leaf(
            Kind.DOUBLE,
            30.0,
            v -> ((Double) v) >= 0,
            "a number of seconds >= 0",
            "Grace period for draining in-flight calls on stop."));
    server.put(
        "blocking_pool_size",
        leaf(
            Kind.INT,
            32,
            intRange(1, 4096),
            "an integer in 1..4096",
            "Threads of the dispatcher that runs blocking capabilities."));
    server.put(
        "agents",
        list(
            List.of(),
            v -> ((String) v).matches("^[a-z][a-z0-9-]*$"),
            "a list of agent names",
            "Agents `agentweave node` hosts, from the samples (all of them when empty);"
                + " agent.name is always hosted."));
    return new Section(server, null);
  }

  /** The {@code observability} section of mesh-core. */
  static Section observability() {
    Map<String, Spec> metrics = new LinkedHashMap<>();
    metrics.put("enabled", bool(true, "Record metrics."));
    metrics.put(
        "host",
        str(
            "",
            "Bind address of the plain scrape port (default: server.host, or 0.0.0.0 without"
                + " mesh-http)."));
    metrics.put(
        "port",
        leaf(
            Kind.INT,
            0,
            intRange(0, 65_535),
            "an integer in 0..65535 (0: no plain scrape port)",
            "Plain-HTTP Prometheus scrape port, without TLS or authentication (0: none; GET"
                + " /metrics on the gateway, over mutual TLS, is always there)."));
    metrics.put(
        "path",
        leaf(
            Kind.STRING,
            "/metrics",
            v -> ((String) v).matches("/[A-Za-z0-9._~/-]*"),
            "a path starting with '/'",
            "Scrape path on the plain scrape port."));
    metrics.put(
        "percentile_histograms",
        bool(true, "Publish histogram buckets for request.duration and authz.check.duration."));
    Map<String, Spec> tracing = new LinkedHashMap<>();
    tracing.put("enabled", bool(false, "Export traces."));
    tracing.put("exporter", oneOf("otlp", "Trace exporter.", "otlp"));
    tracing.put("endpoint", str("http://localhost:4317", "Exporter endpoint."));
    tracing.put(
        "sample_rate",
        leaf(
            Kind.DOUBLE,
            1.0,
            v -> ((Double) v) >= 0 && ((Double) v) <= 1,
            "a number in [0, 1]",
            "Fraction of traces kept."));
    Map<String, Spec> logging = new LinkedHashMap<>();
    logging.put(
        "level",
        oneOf("INFO", "Pekko log level.", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL"));
    logging.put(
        "format",
        (oneOf("text", "Log line format.", "json", "text"))
            .pendingUntil("structured JSON logging (a later issue)"));
    Map<String, Spec> obs = new LinkedHashMap<>();
    obs.put("metrics", new Section(metrics, null));
    obs.put("tracing", new Section(tracing, "tracing (OpenTelemetry, a later issue)"));
    obs.put("logging", new Section(logging, null));
    return new Section(obs, null);
  }
}
