package dev.agentweave.mesh.config;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The immutable settings of a node, read from an AgentWeave {@code config.yaml}. Every key, its
 * default and its constraint is listed in {@code docs/configuration.md}; environment variables
 * {@code AGENTWEAVE_<PATH>} (the key path in upper case with {@code .} replaced by {@code _})
 * override keys. Loading validates everything at once and throws a {@link ConfigException} that
 * lists every problem. With {@code agent.environment: production} the production rules refuse
 * insecure settings.
 *
 * @param agent the {@code agent} section
 * @param identity the {@code identity} section
 * @param authorization the {@code authorization} section
 * @param transport the {@code transport} section
 * @param server the {@code server} section
 * @param observability the {@code observability} section
 * @param sections the settings records of the modules' own sections ({@link
 *     dev.agentweave.mesh.config.ConfigSection}), one per type; read them with {@link #section}
 * @param warnings keys that were set but take effect only with a later part of the framework
 */
public record MeshSettings(
    AgentSettings agent,
    IdentitySettings identity,
    AuthorizationSettings authorization,
    TransportSettings transport,
    ServerSettings server,
    ObservabilitySettings observability,
    List<Object> sections,
    List<String> warnings) {

  /** Validates the components. */
  public MeshSettings {
    requireNonNull(agent, "agent");
    requireNonNull(identity, "identity");
    requireNonNull(authorization, "authorization");
    requireNonNull(transport, "transport");
    requireNonNull(server, "server");
    requireNonNull(observability, "observability");
    sections = List.copyOf(sections);
    warnings = List.copyOf(warnings);
  }

  /** Deployment environments; {@code production} switches on the production rules. */
  public enum Environment {
    /** Local development: the dev CA and allow-all are accepted. */
    DEVELOPMENT,
    /** Pre-production. */
    STAGING,
    /** Production: insecure settings are refused at load. */
    PRODUCTION
  }

  /** What happens when authorization denies. */
  public enum DefaultAction {
    /** Denied calls fail with permission denied. */
    DENY,
    /** Denials are logged and counted, and the call proceeds (never allowed in production). */
    LOG_ONLY
  }

  /**
   * The {@code agent} section.
   *
   * @param name the node's default agent
   * @param trustDomain the trust domain of the node's agents
   * @param description free text
   * @param environment the deployment environment
   * @param capabilities per-capability overrides of options declared in code
   */
  public record AgentSettings(
      String name,
      String trustDomain,
      String description,
      Environment environment,
      List<CapabilitySettings> capabilities) {}

  /**
   * One item of {@code agent.capabilities}: overrides for a capability of the default agent.
   *
   * @param name the capability
   * @param description shown in agent cards
   * @param inputModes accepted media types
   * @param outputModes produced media types
   * @param timeout overrides the declared timeout, or {@code null}
   * @param maxInFlight overrides the declared in-flight limit, or 0
   * @param mailboxCapacity overrides the declared mailbox capacity, or 0
   */
  public record CapabilitySettings(
      String name,
      String description,
      List<String> inputModes,
      List<String> outputModes,
      Duration timeout,
      int maxInFlight,
      int mailboxCapacity) {}

  /**
   * The {@code identity} section.
   *
   * @param provider {@code dev-ca}, {@code files} or {@code spiffe}
   * @param spiffeEndpoint the Workload API address
   * @param allowedTrustDomains foreign trust domains whose agents may call in
   * @param bundles bundles of foreign trust domains read from files
   * @param devCa the development CA
   * @param files the files provider
   */
  public record IdentitySettings(
      String provider,
      String spiffeEndpoint,
      List<String> allowedTrustDomains,
      List<BundleFile> bundles,
      DevCaSettings devCa,
      FilesSettings files) {}

  /**
   * The {@code identity.files} section.
   *
   * @param svids the SVIDs' chain and key files
   * @param bundle the own trust domain's bundle file, or empty
   * @param pollInterval how often the files are checked
   */
  public record FilesSettings(List<SvidFile> svids, String bundle, Duration pollInterval) {}

  /**
   * One item of {@code identity.files.svids}.
   *
   * @param certChain the PEM chain file
   * @param privateKey the PKCS#8 key file
   */
  public record SvidFile(String certChain, String privateKey) {}

  /**
   * One item of {@code identity.bundles}.
   *
   * @param trustDomain the foreign trust domain
   * @param file the PEM file of its CA certificates
   */
  public record BundleFile(String trustDomain, String file) {}

  /**
   * The {@code identity.dev_ca} section.
   *
   * @param directory where the CA keeps its files
   * @param svidTtl lifetime of minted SVIDs
   * @param renewFraction fraction of the lifetime after which an SVID is renewed
   * @param serverNames DNS and IP SANs added to minted SVIDs
   */
  public record DevCaSettings(
      String directory, Duration svidTtl, double renewFraction, List<String> serverNames) {}

  /**
   * The {@code authorization} section.
   *
   * @param provider the policy engine
   * @param defaultAction what a denial does
   * @param opaEndpoint the OPA server for provider {@code opa}
   * @param policyPath the OPA policy path
   * @param allow the rules of the allow-list engine
   * @param cache the decision cache
   * @param audit the audit log
   * @param decisionTimeout how long a cache miss may take before it is denied
   * @param cedar the Cedar engine
   * @param opaWasm the OPA wasm engine
   */
  public record AuthorizationSettings(
      String provider,
      DefaultAction defaultAction,
      String opaEndpoint,
      String policyPath,
      List<AllowRule> allow,
      CacheSettings cache,
      AuditSettings audit,
      Duration decisionTimeout,
      CedarSettings cedar,
      OpaWasmSettings opaWasm) {
    /**
     * A copy with another audit section.
     *
     * @param value the audit settings
     * @return the copy
     */
    public AuthorizationSettings withAudit(AuditSettings value) {
      return new AuthorizationSettings(
          provider,
          defaultAction,
          opaEndpoint,
          policyPath,
          allow,
          cache,
          value,
          decisionTimeout,
          cedar,
          opaWasm);
    }
  }

  /**
   * The {@code authorization.opa_wasm} section.
   *
   * @param module the compiled policy file
   * @param entrypoint the entrypoint
   * @param dataFile the data document file, or empty
   * @param reloadInterval how often the files are checked for changes
   */
  public record OpaWasmSettings(
      String module, String entrypoint, String dataFile, Duration reloadInterval) {}

  /**
   * The {@code authorization.cedar} section.
   *
   * @param policyFile the policy file
   * @param entitiesFile the entities file, or empty
   * @param reloadInterval how often the files are checked for changes
   */
  public record CedarSettings(String policyFile, String entitiesFile, Duration reloadInterval) {}

  /**
   * A rule of the interim allow-list engine: the caller may call the listed actions of the callee.
   *
   * @param caller callers the rule covers
   * @param callee callees the rule covers
   * @param actions capability names, or {@code *} for all
   */
  public record AllowRule(SpiffeIdPattern caller, SpiffeIdPattern callee, List<String> actions) {}

  /**
   * The {@code authorization.cache} section.
   *
   * @param enabled whether decisions are cached
   * @param ttl lifetime of an allow
   * @param denyTtl lifetime of a deny
   * @param maxSize maximum entries
   * @param evictionPolicy as written; Caffeine's W-TinyLFU is used in every case
   */
  public record CacheSettings(
      boolean enabled, Duration ttl, Duration denyTtl, int maxSize, String evictionPolicy) {}

  /**
   * The {@code authorization.audit} section.
   *
   * @param enabled whether decisions are audited
   * @param destination {@code stdout} or a {@code file://} URL
   * @param rotation when a file destination is rotated and how many rotated files are kept
   */
  public record AuditSettings(boolean enabled, String destination, AuditRotation rotation) {
    /**
     * Audit settings with the default rotation.
     *
     * @param enabled whether decisions are audited
     * @param destination {@code stdout} or a {@code file://} URL
     */
    public AuditSettings(boolean enabled, String destination) {
      this(enabled, destination, AuditRotation.DEFAULT);
    }
  }

  /**
   * The {@code authorization.audit.rotation} section: a file destination is closed and renamed
   * (with the UTC time of the rotation as its suffix) when it would grow past {@code maxFileBytes}
   * or is older than {@code maxAge}; the newest {@code maxFiles} rotated files are kept.
   *
   * @param maxFileBytes the largest a file grows ({@code max_file_mb})
   * @param maxAge the longest a file is written to ({@code max_age_hours})
   * @param maxFiles rotated files kept, older ones deleted ({@code max_files})
   */
  public record AuditRotation(long maxFileBytes, Duration maxAge, int maxFiles) {
    /** 100 MiB, 24 hours, 10 files. */
    public static final AuditRotation DEFAULT =
        new AuditRotation(100L * 1024 * 1024, Duration.ofHours(24), 10);
  }

  /**
   * The {@code transport} section.
   *
   * @param tlsMinVersion {@code 1.2} or {@code 1.3}
   * @param peerVerification {@code strict} or {@code log-only}
   * @param timeout the default timeout of a call
   * @param concurrencyLimit the per-destination outbound limit
   * @param connectionPool the gateway client's pools
   * @param circuitBreaker per-destination circuit breakers
   * @param retry retries of cross-node calls
   * @param peers agents on other nodes and their gateways ({@code transport.peers})
   */
  public record TransportSettings(
      String tlsMinVersion,
      String peerVerification,
      Duration timeout,
      ConcurrencyLimitSettings concurrencyLimit,
      ConnectionPoolSettings connectionPool,
      CircuitBreakerSettings circuitBreaker,
      RetrySettings retry,
      List<PeerSettings> peers) {}

  /**
   * An entry of {@code transport.peers}: an agent on another node and the gateways that serve it.
   *
   * @param spiffeId the agent
   * @param urls its gateways' base URLs ({@code https://host:port})
   */
  public record PeerSettings(SpiffeId spiffeId, List<java.net.URI> urls) {}

  /**
   * The {@code transport.concurrency_limit} section: each calling agent may have at most {@code
   * maxInFlight} calls in flight to one destination; further calls wait, up to {@code maxQueued},
   * and then fail as overloaded.
   *
   * @param maxInFlight calls in flight per (calling agent, destination)
   * @param maxQueued calls waiting for a slot
   */
  public record ConcurrencyLimitSettings(int maxInFlight, int maxQueued) {}

  /**
   * The {@code transport.connection_pool} section.
   *
   * @param maxConnections connections per destination
   * @param idleTimeout idle connections close after this
   * @param maxKeepalive maximum connection lifetime
   * @param connectTimeout connection establishment timeout
   * @param maxWaitingRequests requests waiting for a connection
   * @param waitTimeout longest wait for a connection
   * @param utilizationWarningThreshold utilization that logs a warning
   */
  public record ConnectionPoolSettings(
      int maxConnections,
      Duration idleTimeout,
      Duration maxKeepalive,
      Duration connectTimeout,
      int maxWaitingRequests,
      Duration waitTimeout,
      double utilizationWarningThreshold) {}

  /**
   * The {@code transport.circuit_breaker} section.
   *
   * @param enabled whether breakers are used
   * @param failureThreshold failures that open a breaker
   * @param recoveryTimeout time open before half-open
   * @param successThreshold successes that close it
   * @param halfOpenRequests trial calls admitted when half-open
   */
  public record CircuitBreakerSettings(
      boolean enabled,
      int failureThreshold,
      Duration recoveryTimeout,
      int successThreshold,
      int halfOpenRequests) {}

  /**
   * The {@code transport.retry} section.
   *
   * @param maxAttempts attempts in all, the first included
   * @param backoffBase first backoff
   * @param backoffMax backoff cap
   * @param jitter {@code full} or {@code none}
   */
  public record RetrySettings(
      int maxAttempts, Duration backoffBase, Duration backoffMax, String jitter) {}

  /**
   * The {@code server} section.
   *
   * @param enabled whether the node serves its gateway (mesh-http)
   * @param host the gateway bind address
   * @param port the gateway port
   * @param protocol the wire protocol
   * @param maxBodyBytes the largest accepted request body
   * @param maxConcurrentRequests gateway requests in flight
   * @param requestTimeout gateway request timeout
   * @param gracefulShutdown how long a stopping node drains in-flight calls
   * @param blockingPoolSize threads of the dispatcher for blocking capabilities
   * @param agents the sample agents {@code agentweave node} hosts (all when empty)
   * @param advertisedHost the host other nodes reach the gateway at, or empty to derive it
   * @param connections the gateway's connection limits and timeouts
   */
  public record ServerSettings(
      boolean enabled,
      String host,
      int port,
      String protocol,
      long maxBodyBytes,
      int maxConcurrentRequests,
      Duration requestTimeout,
      Duration gracefulShutdown,
      int blockingPoolSize,
      List<String> agents,
      String advertisedHost,
      ConnectionSettings connections) {
    /**
     * These settings with the gateway turned on or off.
     *
     * @param value whether the node serves its gateway
     * @return the copy
     */
    public ServerSettings withEnabled(boolean value) {
      return new ServerSettings(
          value,
          host,
          port,
          protocol,
          maxBodyBytes,
          maxConcurrentRequests,
          requestTimeout,
          gracefulShutdown,
          blockingPoolSize,
          agents,
          advertisedHost,
          connections);
    }
  }

  /**
   * The gateway's connection limits and timeouts ({@code server.*} keys). Beyond a limit, a new
   * connection is accepted and closed at once.
   *
   * @param maxConnections connections held open at once, in all ({@code server.max_connections})
   * @param maxPerAddress connections held open at once from one remote IP address ({@code
   *     server.max_connections_per_address})
   * @param handshakeTimeout longest a TLS handshake may take from the accept ({@code
   *     server.handshake_timeout_seconds})
   * @param firstRequestTimeout longest from the handshake to the headers of the first request
   *     ({@code server.first_request_timeout_seconds})
   * @param idleTimeout longest a connection stays open with no request in flight ({@code
   *     server.idle_timeout_seconds})
   */
  public record ConnectionSettings(
      int maxConnections,
      int maxPerAddress,
      Duration handshakeTimeout,
      Duration firstRequestTimeout,
      Duration idleTimeout) {}

  /**
   * The {@code observability} section.
   *
   * @param metrics metrics
   * @param tracing tracing
   * @param logging logging
   */
  public record ObservabilitySettings(
      MetricsSettings metrics, TracingSettings tracing, LoggingSettings logging) {}

  /**
   * The {@code observability.metrics} section.
   *
   * @param enabled whether the framework records its meters
   * @param host bind address of the plain scrape port ({@code server.host} unless set)
   * @param port plain-HTTP scrape port, 0 for none
   * @param path scrape path on that port
   * @param percentileHistograms whether latency timers publish histogram buckets
   */
  public record MetricsSettings(
      boolean enabled, String host, int port, String path, boolean percentileHistograms) {}

  /**
   * The {@code observability.tracing} section.
   *
   * @param enabled whether traces are exported
   * @param exporter the exporter
   * @param endpoint the exporter endpoint
   * @param sampleRate fraction of traces kept
   */
  public record TracingSettings(
      boolean enabled, String exporter, String endpoint, double sampleRate) {}

  /**
   * The {@code observability.logging} section.
   *
   * @param level the log level
   * @param format {@code json} or {@code text}
   */
  public record LoggingSettings(String level, String format) {}

  /**
   * Loads a file, with overrides from the process environment.
   *
   * @param file the YAML file
   * @return the settings
   * @throws ConfigException listing every problem, including a missing or unreadable file
   */
  public static MeshSettings load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads a file, with overrides from the given environment.
   *
   * @param file the YAML file
   * @param env the environment variables to apply
   * @return the settings
   * @throws ConfigException listing every problem
   */
  public static MeshSettings load(Path file, Map<String, String> env) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toString(),
          List.of(new ConfigProblem("(file)", file.toString(), "an existing YAML file", null)));
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(),
          List.of(new ConfigProblem("(file)", e.toString(), "a readable YAML file", null)));
    }
    return parse(file.getFileName().toString(), text, env);
  }

  /**
   * Parses YAML text.
   *
   * @param source a name for the text in error messages
   * @param yaml the YAML document
   * @param env the environment variables to apply (use {@code Map.of()} for none)
   * @return the settings
   * @throws ConfigException listing every problem
   */
  public static MeshSettings parse(String source, String yaml, Map<String, String> env) {
    requireNonNull(source, "source");
    requireNonNull(yaml, "yaml");
    requireNonNull(env, "env");
    ConfigReader reader = new ConfigReader(source);
    ConfigReader.Result result = reader.read(yaml, env);
    MeshSettings core = build(result);
    checkRules(core, reader);
    ConfigValues values = new ConfigValues(result.values(), reader::envSource);
    List<Object> sections = new ArrayList<>();
    for (ConfigSection<?> section : ConfigSections.found()) {
      sections.add(readSection(section, values, core.isProduction(), reader));
    }
    reader.throwIfProblems();
    return core.withSections(sections);
  }

  private static <T> T readSection(
      ConfigSection<T> section, ConfigValues values, boolean production, ConfigReader reader) {
    T settings = section.read(values);
    section.check(settings, values, production, reader::addProblem);
    return settings;
  }

  private MeshSettings withSections(List<Object> value) {
    return new MeshSettings(
        agent, identity, authorization, transport, server, observability, value, warnings);
  }

  /**
   * Tells whether the production rules apply.
   *
   * @return true for {@code agent.environment: production}
   */
  public boolean isProduction() {
    return agent.environment() == Environment.PRODUCTION;
  }

  /**
   * A copy with another {@code agent} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withAgent(AgentSettings value) {
    return new MeshSettings(
        value, identity, authorization, transport, server, observability, sections, warnings);
  }

  /**
   * A copy with another {@code authorization} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withAuthorization(AuthorizationSettings value) {
    return new MeshSettings(
        agent, identity, value, transport, server, observability, sections, warnings);
  }

  /**
   * A copy with another {@code transport} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withTransport(TransportSettings value) {
    return new MeshSettings(
        agent, identity, authorization, value, server, observability, sections, warnings);
  }

  /**
   * The settings record of a module's section.
   *
   * @param type the record's type, {@link dev.agentweave.mesh.config.ConfigSection#type()}
   * @param <T> the type
   * @return the record
   * @throws IllegalStateException if no module on the class path contributes such a section
   */
  public <T> T section(Class<T> type) {
    requireNonNull(type, "type");
    for (Object s : sections) {
      if (type.isInstance(s)) {
        return type.cast(s);
      }
    }
    throw new IllegalStateException(
        "no configuration section of type "
            + type.getName()
            + ": the module that contributes it is not on the class path");
  }

  /**
   * A copy with another record of a module's section (replacing the one of the same type).
   *
   * @param value the record
   * @return the copy
   */
  public MeshSettings withSection(Object value) {
    requireNonNull(value, "value");
    List<Object> next = new ArrayList<>();
    for (Object s : sections) {
      if (s.getClass() != value.getClass()) {
        next.add(s);
      }
    }
    next.add(value);
    return new MeshSettings(
        agent, identity, authorization, transport, server, observability, next, warnings);
  }

  /**
   * A copy with another {@code server} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withServer(ServerSettings value) {
    return new MeshSettings(
        agent, identity, authorization, transport, value, observability, sections, warnings);
  }

  private static void checkRules(MeshSettings s, ConfigReader reader) {
    RetrySettings retry = s.transport().retry();
    if (retry.backoffMax().compareTo(retry.backoffBase()) < 0) {
      reader.addProblem(
          new ConfigProblem(
              "transport.retry.backoff_max_seconds",
              seconds(retry.backoffMax()),
              ">= transport.retry.backoff_base_seconds (" + seconds(retry.backoffBase()) + ")",
              reader.envSource("transport.retry.backoff_max_seconds")));
    }
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
    if (s.identity().provider().equals("files")
        && (s.identity().files().svids().isEmpty() || s.identity().files().bundle().isEmpty())) {
      reader.addProblem(
          new ConfigProblem(
              "identity.files",
              s.identity().files().svids().isEmpty() ? "no svids" : "no bundle",
              "at least one svids item and the bundle file when identity.provider is files",
              null));
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

  private static String seconds(Duration d) {
    return Double.toString(d.toNanos() / 1e9);
  }

  @SuppressWarnings("unchecked")
  private static MeshSettings build(ConfigReader.Result result) {
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
    List<SvidFile> svidFiles = new ArrayList<>();
    for (Map<String, Object> item : (List<Map<String, Object>>) v.raw("identity.files.svids")) {
      Values f = new Values(item);
      svidFiles.add(new SvidFile(f.str("cert_chain"), f.str("private_key")));
    }
    List<BundleFile> bundleFiles = new ArrayList<>();
    for (Map<String, Object> item : (List<Map<String, Object>>) v.raw("identity.bundles")) {
      Values b = new Values(item);
      bundleFiles.add(new BundleFile(b.str("trust_domain"), b.str("file")));
    }
    IdentitySettings identity =
        new IdentitySettings(
            v.str("identity.provider"),
            v.str("identity.spiffe_endpoint"),
            v.list("identity.allowed_trust_domains"),
            List.copyOf(bundleFiles),
            new DevCaSettings(
                v.str("identity.dev_ca.directory"),
                v.seconds("identity.dev_ca.svid_ttl_seconds"),
                v.dbl("identity.dev_ca.renew_fraction"),
                v.list("identity.dev_ca.server_names")),
            new FilesSettings(
                svidFiles,
                v.str("identity.files.bundle"),
                v.seconds("identity.files.poll_seconds")));
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
            new ConnectionPoolSettings(
                v.integer("transport.connection_pool.max_connections"),
                v.seconds("transport.connection_pool.idle_timeout_seconds"),
                v.seconds("transport.connection_pool.max_keepalive_seconds"),
                v.seconds("transport.connection_pool.connect_timeout_seconds"),
                v.integer("transport.connection_pool.max_waiting_requests"),
                v.seconds("transport.connection_pool.wait_timeout_seconds"),
                v.dbl("transport.connection_pool.utilization_warning_threshold")),
            new CircuitBreakerSettings(
                v.bool("transport.circuit_breaker.enabled"),
                v.integer("transport.circuit_breaker.failure_threshold"),
                v.seconds("transport.circuit_breaker.recovery_timeout_seconds"),
                v.integer("transport.circuit_breaker.success_threshold"),
                v.integer("transport.circuit_breaker.half_open_requests")),
            new RetrySettings(
                v.integer("transport.retry.max_attempts"),
                v.seconds("transport.retry.backoff_base_seconds"),
                v.seconds("transport.retry.backoff_max_seconds"),
                v.str("transport.retry.jitter")),
            List.copyOf(peers));
    ServerSettings server =
        new ServerSettings(
            v.bool("server.enabled"),
            v.str("server.host"),
            v.integer("server.port"),
            v.str("server.protocol"),
            v.integer("server.max_body_bytes"),
            v.integer("server.max_concurrent_requests"),
            v.seconds("server.request_timeout_seconds"),
            v.seconds("server.graceful_shutdown_seconds"),
            v.integer("server.blocking_pool_size"),
            List.copyOf(v.list("server.agents")),
            v.str("server.advertised_host"),
            new ConnectionSettings(
                v.integer("server.max_connections"),
                v.integer("server.max_connections_per_address"),
                v.seconds("server.handshake_timeout_seconds"),
                v.seconds("server.first_request_timeout_seconds"),
                v.seconds("server.idle_timeout_seconds")));
    ObservabilitySettings obs =
        new ObservabilitySettings(
            new MetricsSettings(
                v.bool("observability.metrics.enabled"),
                v.strOr("observability.metrics.host", "server.host"),
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
