package dev.agentweave.mesh.config;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.list;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.positive;
import static dev.agentweave.mesh.config.ConfigSpec.required;
import static dev.agentweave.mesh.config.ConfigSpec.spiffeIdPattern;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys of mesh-core's sections about who the node is and what it allows: {@code agent}, {@code
 * identity}, {@code authorization}.
 */
final class AgentSchema {
  private static final Pattern AGENT_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final Pattern CAPABILITY_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  private AgentSchema() {}

  /** The {@code agent} section of mesh-core. */
  static Section agent() {
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
    return new Section(agent, null);
  }

  /**
   * The node's own key of the {@code identity} section, {@code provider}; mesh-identity adds the
   * keys of its providers (ADR 0005).
   */
  static Section identity() {
    Map<String, Spec> identity = new LinkedHashMap<>();
    identity.put(
        "provider", oneOf("spiffe", "Where SVIDs come from.", "dev-ca", "files", "spiffe"));
    return new Section(identity, null);
  }

  /** The {@code authorization} section of mesh-core. */
  static Section authorization() {
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
    cedar.put("reload_seconds", reloadSeconds("How often the policy file is checked for changes."));
    authz.put("cedar", new Section(cedar, null));
    Map<String, Spec> wasm = new LinkedHashMap<>();
    wasm.put(
        "module",
        str("", "OPA policy compiled with opa build -t wasm (required for provider opa-wasm)."));
    wasm.put("entrypoint", str("agentweave/authz/allow", "Entrypoint of the compiled policy."));
    wasm.put("data_file", str("", "Optional JSON document for data."));
    wasm.put("reload_seconds", reloadSeconds("How often the files are checked for changes."));
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
    return new Section(authz, null);
  }

  /** How often a policy engine checks its files: 5 s unless set, at least 0.1 s. */
  private static Spec reloadSeconds(String doc) {
    return leaf(Kind.DOUBLE, 5.0, v -> ((Double) v) >= 0.1, "a number >= 0.1", doc);
  }
}
