package dev.agentweave.mesh.config;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.list;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.positive;
import static dev.agentweave.mesh.config.ConfigSpec.required;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;
import static dev.agentweave.mesh.config.ConfigSpec.spiffeIdPattern;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.Leaf;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one definition of every configuration key: the node's own keys here, each module's section
 * through {@link dev.agentweave.mesh.config.ConfigSection}, merged by {@link ConfigSections}.
 * {@link ConfigReader} validates against the merged schema, the environment-variable names are
 * derived from it, and {@code agentweave config reference} prints the documentation table from it,
 * so defaults live in exactly one place.
 */
final class ConfigSchema {
  private static final Pattern AGENT_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final Pattern CAPABILITY_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  private ConfigSchema() {}

  /**
   * The merged schema.
   *
   * @return the root section
   */
  public static Section root() {
    return ConfigSections.ROOT;
  }

  static Section core() {
    return buildRoot();
  }

  private static Section buildRoot() {
    Map<String, Spec> root = new LinkedHashMap<>();

    Map<String, Spec> capability = new LinkedHashMap<>();
    capability.put(
        "name",
        required(
            Kind.STRING,
            v -> CAPABILITY_NAME.matcher((String) v).matches(),
            "a name matching ^[a-z][a-z0-9_]*$ declared by the agent in code",
            "Capability these settings apply to."));
    capability.put("description", str("", "Description shown in agent cards."));
    capability.put(
        "input_modes",
        list(List.of("application/json"), null, "a list of media types", "Accepted media types."));
    capability.put(
        "output_modes",
        list(List.of("application/json"), null, "a list of media types", "Produced media types."));
    capability.put(
        "timeout_seconds",
        leaf(Kind.DOUBLE, null, positive(), "a number of seconds > 0", "Overrides the timeout."));
    capability.put(
        "max_in_flight",
        leaf(
            Kind.INT,
            null,
            intRange(1, 100_000),
            "an integer in 1..100000",
            "Overrides the maximum handlers in flight."));
    capability.put(
        "mailbox_capacity",
        leaf(
            Kind.INT,
            null,
            intRange(1, 10_000_000),
            "an integer in 1..10000000",
            "Overrides the mailbox capacity."));

    Map<String, Spec> agent = new LinkedHashMap<>();
    agent.put(
        "name",
        required(
            Kind.STRING,
            v -> AGENT_NAME.matcher((String) v).matches(),
            "a name matching ^[a-z][a-z0-9-]*$, at most 63 characters",
            "The node's default agent (answers POST /task)."));
    agent.put(
        "trust_domain",
        required(
            Kind.STRING,
            v -> SpiffeId.trustDomainProblem((String) v) == null,
            "a trust domain such as example.org (a-z, 0-9, '.', '-', '_')",
            "Trust domain of the node's agents."));
    agent.put("description", str("", "Free text."));
    agent.put(
        "environment",
        oneOf(
            "production",
            "Switches on the production rules.",
            "development",
            "staging",
            "production"));
    agent.put(
        "capabilities",
        new ObjectList(
            new Section(capability, null),
            "Per-capability overrides of the options declared in code."));
    root.put("agent", new Section(agent, null));

    Map<String, Spec> identity = new LinkedHashMap<>();
    identity.put(
        "provider", oneOf("spiffe", "Where SVIDs come from.", "dev-ca", "files", "spiffe"));
    identity.put(
        "spiffe_endpoint",
        leaf(
            Kind.STRING,
            "unix:///run/spire/sockets/agent.sock",
            v -> ((String) v).startsWith("unix://") || ((String) v).startsWith("tcp://"),
            "a unix:// or tcp:// address",
            "SPIFFE Workload API socket (SPIFFE_ENDPOINT_SOCKET replaces the default)."));
    identity.put(
        "allowed_trust_domains",
        list(
            List.of(),
            v -> SpiffeId.trustDomainProblem((String) v) == null,
            "a list of trust domains",
            "Foreign trust domains whose agents may call in."));
    Map<String, Spec> bundle = new LinkedHashMap<>();
    bundle.put(
        "trust_domain",
        required(
            Kind.STRING,
            v -> SpiffeId.trustDomainProblem((String) v) == null,
            "a trust domain such as partner.org",
            "Trust domain of the bundle."));
    bundle.put(
        "file",
        required(
            Kind.STRING,
            v -> !((String) v).isBlank(),
            "a path to a PEM file",
            "PEM CA certificates."));
    identity.put(
        "bundles",
        new ObjectList(
            new Section(bundle, null),
            "Trust bundles of foreign trust domains, read from PEM files (federation)."));
    Map<String, Spec> devCa = new LinkedHashMap<>();
    devCa.put(
        "directory",
        str(
            ".agentweave/dev-ca",
            "Where the dev CA keeps ca.pem and ca.key (relative to the working directory)."));
    devCa.put(
        "svid_ttl_seconds",
        leaf(
            Kind.INT,
            3600,
            intRange(2, 86_400 * 30),
            "an integer in 2..2592000",
            "Lifetime of minted SVIDs."));
    devCa.put(
        "renew_fraction",
        leaf(
            Kind.DOUBLE,
            0.5,
            v -> ((Double) v) > 0 && ((Double) v) < 1,
            "a number in (0, 1)",
            "Renew an SVID when this fraction of its lifetime has passed."));
    devCa.put(
        "server_names",
        list(
            List.of("localhost", "127.0.0.1"),
            v -> !((String) v).isBlank(),
            "a list of DNS names or IP addresses",
            "DNS and IP SANs added to minted SVIDs so tools like curl accept the gateway."));
    identity.put("dev_ca", new Section(devCa, null));
    Map<String, Spec> svidFile = new LinkedHashMap<>();
    svidFile.put(
        "cert_chain",
        required(
            Kind.STRING,
            v -> !((String) v).isBlank(),
            "a path to a PEM chain, leaf first",
            "SVID chain."));
    svidFile.put(
        "private_key",
        required(
            Kind.STRING, v -> !((String) v).isBlank(), "a path to a PKCS#8 PEM key", "SVID key."));
    Map<String, Spec> files = new LinkedHashMap<>();
    files.put(
        "svids",
        new ObjectList(
            new Section(svidFile, null), "The node's SVIDs (one per hosted agent identity)."));
    files.put(
        "bundle",
        str("", "PEM bundle of the node's own trust domain (required for provider files)."));
    files.put(
        "poll_seconds",
        leaf(
            Kind.DOUBLE,
            5.0,
            v -> ((Double) v) >= 0.1,
            "a number >= 0.1",
            "How often the files are checked for changes."));
    identity.put("files", new Section(files, null));
    root.put("identity", new Section(identity, null));

    Map<String, Spec> allowRule = new LinkedHashMap<>();
    allowRule.put(
        "caller",
        required(
            Kind.STRING,
            spiffeIdPattern(),
            "a SPIFFE ID glob ('*' within a segment)",
            "Caller glob."));
    allowRule.put(
        "callee",
        required(
            Kind.STRING,
            spiffeIdPattern(),
            "a SPIFFE ID glob ('*' within a segment)",
            "Callee glob."));
    allowRule.put(
        "actions",
        list(List.of("*"), null, "a list of capability names or '*'", "Allowed capabilities."));

    Map<String, Spec> cache = new LinkedHashMap<>();
    cache.put("enabled", bool(true, "Cache decisions."));
    cache.put(
        "ttl_seconds",
        leaf(
            Kind.INT, 300, intRange(1, 86_400), "an integer in 1..86400", "Lifetime of an allow."));
    cache.put(
        "deny_ttl_seconds",
        leaf(Kind.INT, 30, intRange(1, 86_400), "an integer in 1..86400", "Lifetime of a deny."));
    cache.put(
        "max_size",
        leaf(
            Kind.INT,
            10_000,
            intRange(1, 10_000_000),
            "an integer in 1..10000000",
            "Maximum cached decisions."));
    cache.put(
        "eviction_policy",
        oneOf(
            "lru",
            "Eviction policy (Caffeine's W-TinyLFU in every case).",
            "lru",
            "lfu",
            "w-tinylfu"));
    Map<String, Spec> audit = new LinkedHashMap<>();
    audit.put("enabled", bool(true, "Write an audit record per decision."));
    audit.put(
        "destination",
        leaf(
            Kind.STRING,
            "stdout",
            v -> v.equals("stdout") || ((String) v).startsWith("file://"),
            "stdout or file:///path",
            "Where audit records go."));
    Map<String, Spec> rotation = new LinkedHashMap<>();
    rotation.put(
        "max_file_mb",
        leaf(
            Kind.DOUBLE,
            100.0,
            v -> ((Double) v) >= 0.001,
            "a number of MiB >= 0.001",
            "A file destination is rotated before it grows past this."));
    rotation.put(
        "max_age_hours",
        leaf(
            Kind.DOUBLE,
            24.0,
            positive(),
            "a number of hours > 0",
            "A file destination is rotated once it is this old."));
    rotation.put(
        "max_files",
        leaf(
            Kind.INT,
            10,
            intRange(1, 100_000),
            "an integer in 1..100000",
            "Rotated audit files kept; older ones are deleted."));
    audit.put("rotation", new Section(rotation, null));

    Map<String, Spec> authz = new LinkedHashMap<>();
    authz.put(
        "provider",
        leaf(
            Kind.STRING,
            "allow-list",
            v -> Set.of("allow-list", "allow-all", "cedar", "opa", "opa-wasm").contains(v),
            "one of allow-list, allow-all, cedar, opa, opa-wasm",
            "Policy engine (cedar, opa and opa-wasm need the authz-actor module)."));
    authz.put(
        "decision_timeout_seconds",
        leaf(
            Kind.DOUBLE,
            2.0,
            positive(),
            "a number of seconds > 0",
            "A cache miss not decided within this is denied (fail closed)."));
    Map<String, Spec> cedar = new LinkedHashMap<>();
    cedar.put("policy_file", str("", "Cedar policies (required for provider cedar)."));
    cedar.put("entities_file", str("", "Optional Cedar entities, as Cedar's entities JSON."));
    cedar.put(
        "reload_seconds",
        leaf(
            Kind.DOUBLE,
            5.0,
            v -> ((Double) v) >= 0.1,
            "a number >= 0.1",
            "How often the policy file is checked for changes."));
    authz.put("cedar", new Section(cedar, null));
    Map<String, Spec> wasm = new LinkedHashMap<>();
    wasm.put(
        "module",
        str("", "OPA policy compiled with opa build -t wasm (required for provider opa-wasm)."));
    wasm.put("entrypoint", str("agentweave/authz/allow", "Entrypoint of the compiled policy."));
    wasm.put("data_file", str("", "Optional JSON document for data."));
    wasm.put(
        "reload_seconds",
        leaf(
            Kind.DOUBLE,
            5.0,
            v -> ((Double) v) >= 0.1,
            "a number >= 0.1",
            "How often the files are checked for changes."));
    authz.put("opa_wasm", new Section(wasm, null));
    authz.put(
        "default_action",
        oneOf(
            "deny",
            "Outcome when no rule allows: deny, or log-only (allow and log).",
            "deny",
            "log-only"));
    authz.put(
        "opa_endpoint",
        (leaf(
            Kind.STRING,
            "http://localhost:8181",
            v -> ((String) v).startsWith("http://") || ((String) v).startsWith("https://"),
            "an http:// or https:// URL",
            "OPA server for provider opa.")));
    authz.put("policy_path", (str("agentweave/authz", "OPA policy path for provider opa.")));
    authz.put(
        "allow",
        new ObjectList(
            new Section(allowRule, null),
            "Rules of the allow-list engine: caller and callee globs and the actions allowed."));
    authz.put("cache", new Section(cache, null));
    authz.put("audit", new Section(audit, null));
    root.put("authorization", new Section(authz, null));

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
    Map<String, Spec> pool = new LinkedHashMap<>();
    pool.put(
        "max_connections",
        leaf(
            Kind.INT,
            100,
            intRange(1, 10_000),
            "an integer in 1..10000",
            "Connections per destination."));
    pool.put("idle_timeout_seconds", seconds(60, "Close idle connections after this."));
    pool.put("max_keepalive_seconds", seconds(300, "Maximum connection lifetime."));
    pool.put("connect_timeout_seconds", seconds(10, "Connection establishment timeout."));
    pool.put(
        "max_waiting_requests",
        leaf(
            Kind.INT,
            1024,
            intRange(0, 1_000_000),
            "an integer in 0..1000000",
            "Requests waiting for a connection."));
    pool.put("wait_timeout_seconds", seconds(5, "Longest wait for a connection."));
    pool.put(
        "utilization_warning_threshold",
        leaf(
            Kind.DOUBLE,
            0.9,
            v -> ((Double) v) > 0 && ((Double) v) <= 1,
            "a number in (0, 1]",
            "Utilization that logs a warning."));
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
    Map<String, Spec> retry = new LinkedHashMap<>();
    retry.put(
        "max_attempts",
        leaf(
            Kind.INT,
            3,
            intRange(1, 10),
            "an integer in 1..10",
            "Attempts in all, the first included."));
    retry.put(
        "backoff_base_seconds",
        leaf(Kind.DOUBLE, 0.1, v -> ((Double) v) >= 0.001, "a number >= 0.001", "First backoff."));
    retry.put(
        "backoff_max_seconds",
        leaf(Kind.DOUBLE, 30.0, v -> ((Double) v) >= 0.001, "a number >= 0.001", "Backoff cap."));
    retry.put("jitter", oneOf("full", "Jitter applied to backoff.", "full", "none"));

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
    transport.put("connection_pool", new Section(pool, null));
    transport.put("circuit_breaker", new Section(breaker, null));
    transport.put("retry", new Section(retry, null));
    transport.put(
        "peers",
        new ObjectList(
            new Section(peer, null),
            "Agents on other nodes and the gateways that serve them (a static directory)."));
    root.put("transport", new Section(transport, null));

    Map<String, Spec> server = new LinkedHashMap<>();
    server.put(
        "enabled",
        bool(
            true,
            "Serve the node's mutual-TLS gateway (with the mesh-http module on the class path);"
                + " false for a node that only calls out."));
    server.put("host", str("0.0.0.0", "Gateway bind address."));
    server.put(
        "port",
        leaf(
            Kind.INT,
            8443,
            intRange(0, 65_535),
            "an integer in 0..65535 (0 picks a free port)",
            "Gateway port (TLS only)."));
    server.put(
        "protocol", oneOf("a2a", "Wire protocol of the gateway (A2A task requests).", "a2a"));
    server.put(
        "max_body_bytes",
        (leaf(
            Kind.INT,
            10_485_760,
            intRange(1024, Integer.MAX_VALUE),
            "an integer >= 1024",
            "Largest accepted request body; larger ones are answered 413.")));
    server.put(
        "max_concurrent_requests",
        (leaf(
            Kind.INT,
            10_000,
            intRange(1, 10_000_000),
            "an integer in 1..10000000",
            "Gateway task requests served at once; more are answered 503 with Retry-After.")));
    server.put(
        "request_timeout_seconds",
        (leaf(
            Kind.DOUBLE,
            30.0,
            positive(),
            "a number of seconds > 0",
            "Longest a gateway request may take (a caller's X-AgentWeave-Timeout-Ms may shorten it).")));
    server.put(
        "max_connections",
        leaf(
            Kind.INT,
            4096,
            intRange(1, 1_000_000),
            "an integer in 1..1000000",
            "Gateway connections held open at once; a connection beyond is closed at once."));
    server.put(
        "max_connections_per_address",
        leaf(
            Kind.INT,
            512,
            intRange(1, 1_000_000),
            "an integer in 1..1000000",
            "Gateway connections held open at once from one remote IP address; a connection"
                + " beyond is closed at once."));
    server.put(
        "handshake_timeout_seconds",
        leaf(
            Kind.DOUBLE,
            10.0,
            positive(),
            "a number of seconds > 0",
            "Longest a TLS handshake may take from the accept, however slowly its bytes come."));
    server.put(
        "first_request_timeout_seconds",
        leaf(
            Kind.DOUBLE,
            10.0,
            positive(),
            "a number of seconds > 0",
            "Longest from the TLS handshake to the headers of a connection's first request."));
    server.put(
        "idle_timeout_seconds",
        leaf(
            Kind.DOUBLE,
            75.0,
            positive(),
            "a number of seconds > 0",
            "Longest a gateway connection stays open with no request in flight (keep it above"
                + " clients' pool idle timeouts, 60 s for ours, so that clients close first)."));
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
        "advertised_host",
        str(
            "",
            "Host other nodes use to reach this gateway (default: server.host, or cluster.host"
                + " when server.host is a wildcard address)."));
    server.put(
        "agents",
        list(
            List.of(),
            v -> ((String) v).matches("^[a-z][a-z0-9-]*$"),
            "a list of agent names",
            "Agents `agentweave node` hosts, from the samples (all of them when empty);"
                + " agent.name is always hosted."));
    root.put("server", new Section(server, null));

    Map<String, Spec> metrics = new LinkedHashMap<>();
    metrics.put("enabled", bool(true, "Record metrics."));
    metrics.put("host", str("", "Bind address of the plain scrape port (default: server.host)."));
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
    root.put("observability", new Section(obs, null));

    return new Section(root, null);
  }

  /**
   * Every leaf path outside lists with its environment variable name, for example {@code
   * server.port} and {@code AGENTWEAVE_SERVER_PORT}.
   *
   * @return environment variable name to key path
   */
  public static Map<String, String> environmentNames() {
    Map<String, String> out = new LinkedHashMap<>();
    collectEnv(root(), "", out);
    return out;
  }

  private static void collectEnv(Section section, String prefix, Map<String, String> out) {
    for (Map.Entry<String, Spec> e : section.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Section s) {
        collectEnv(s, path, out);
      } else if (e.getValue() instanceof Leaf) {
        String env = "AGENTWEAVE_" + path.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        String previous = out.put(env, path);
        if (previous != null) {
          throw new IllegalStateException(
              "schema defect: " + previous + " and " + path + " share the variable " + env);
        }
      }
    }
  }

  /**
   * Every leaf with its dotted path (list items as {@code key[].child}), in document order.
   *
   * @return path to leaf
   */
  public static Map<String, Leaf> leaves() {
    Map<String, Leaf> out = new LinkedHashMap<>();
    collectLeaves(root(), "", out);
    return out;
  }

  private static void collectLeaves(Section section, String prefix, Map<String, Leaf> out) {
    for (Map.Entry<String, Spec> e : section.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Section s) {
        collectLeaves(s, path, out);
      } else if (e.getValue() instanceof ObjectList l) {
        collectLeaves(l.item(), path + "[]", out);
      } else {
        out.put(path, (Leaf) e.getValue());
      }
    }
  }
}
