package dev.agentweave.mesh.cluster.internal;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.list;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.cluster.ClusterSettings;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigSection;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import dev.agentweave.mesh.config.ConfigValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code cluster} section: its keys, and the {@link ClusterSettings} read from them. Found by
 * the configuration loader with ServiceLoader.
 */
public final class ClusterConfigSection implements ConfigSection<ClusterSettings> {
  private static final Section SCHEMA = schema0();

  /** Creates the section (for {@link java.util.ServiceLoader}). */
  public ClusterConfigSection() {}

  @Override
  public String path() {
    return "cluster";
  }

  @Override
  public String module() {
    return "dev.agentweave:mesh-cluster";
  }

  @Override
  public Section schema() {
    return SCHEMA;
  }

  @Override
  public Class<ClusterSettings> type() {
    return ClusterSettings.class;
  }

  @Override
  public ClusterSettings read(ConfigValues v) {
    return new ClusterSettings(
        v.bool("cluster.enabled"),
        v.strOr("cluster.node_name", "agent.name"),
        v.str("cluster.host"),
        v.integer("cluster.port"),
        v.list("cluster.seed_nodes"),
        List.copyOf(v.list("cluster.roles")),
        new ClusterSettings.SplitBrainResolverSettings(
            v.bool("cluster.split_brain_resolver.enabled"),
            v.str("cluster.split_brain_resolver.strategy"),
            v.seconds("cluster.split_brain_resolver.stable_after_seconds"),
            v.integer("cluster.split_brain_resolver.static_quorum_size")),
        new ClusterSettings.ShardingSettings(
            v.integer("cluster.sharding.number_of_shards"),
            v.seconds("cluster.sharding.passivation_idle_seconds"),
            v.str("cluster.sharding.role"),
            v.seconds("cluster.sharding.resend_after_seconds")),
        new ClusterSettings.ManagementSettings(
            v.bool("cluster.management.enabled") || v.bool("cluster.bootstrap.enabled"),
            v.strOr("cluster.management.host", "cluster.host"),
            v.integer("cluster.management.port")),
        new ClusterSettings.BootstrapSettings(
            v.bool("cluster.bootstrap.enabled"),
            v.str("cluster.bootstrap.discovery"),
            v.strOr("cluster.bootstrap.service_name", "agent.name"),
            v.str("cluster.bootstrap.label_selector"),
            v.integer("cluster.bootstrap.required_contact_points"),
            v.seconds("cluster.bootstrap.stable_margin_seconds"),
            v.list("cluster.bootstrap.contact_points")));
  }

  @Override
  public void check(
      ClusterSettings s,
      ConfigValues values,
      boolean production,
      Consumer<ConfigProblem> problems) {
    ClusterSettings.SplitBrainResolverSettings sbr = s.splitBrainResolver();
    if (sbr.enabled() && sbr.strategy().equals("static-quorum") && sbr.staticQuorumSize() < 1) {
      problems.accept(
          new ConfigProblem(
              "cluster.split_brain_resolver.static_quorum_size",
              String.valueOf(sbr.staticQuorumSize()),
              "> 0 with strategy static-quorum (more than half of the cluster's nodes)",
              values.envSource("cluster.split_brain_resolver.static_quorum_size")));
    }
    ClusterSettings.BootstrapSettings bootstrap = s.bootstrap();
    if ((bootstrap.enabled() || s.management().enabled()) && !s.enabled()) {
      problems.accept(
          new ConfigProblem(
              "cluster.enabled",
              "false",
              "true when cluster.bootstrap or cluster.management is enabled",
              values.envSource("cluster.enabled")));
    }
    if (bootstrap.enabled() && !s.seedNodes().isEmpty()) {
      problems.accept(
          new ConfigProblem(
              "cluster.seed_nodes",
              String.valueOf(s.seedNodes()),
              "empty when cluster.bootstrap.enabled is true (bootstrap finds the nodes to join)",
              values.envSource("cluster.seed_nodes")));
    }
    if (bootstrap.enabled()
        && bootstrap.discovery().equals("config")
        && bootstrap.contactPoints().isEmpty()) {
      problems.accept(
          new ConfigProblem(
              "cluster.bootstrap.contact_points",
              "[]",
              "at least one host:port with cluster.bootstrap.discovery: config",
              values.envSource("cluster.bootstrap.contact_points")));
    }
  }

  private static Section schema0() {
    Map<String, Spec> cluster = new LinkedHashMap<>();
    cluster.put(
        "enabled", bool(false, "Make the node a Pekko Cluster member (remoting over TLS)."));
    cluster.put(
        "node_name",
        leaf(
            Kind.STRING,
            "",
            v -> ((String) v).isEmpty() || ((String) v).matches("[a-zA-Z0-9._-]+"),
            "a name of letters, digits, '.', '-', '_' (default: agent.name)",
            "Node identity spiffe://<trust-domain>/node/<name>."));
    cluster.put("host", str("127.0.0.1", "Remoting bind address."));
    cluster.put(
        "port",
        leaf(
            Kind.INT,
            25520,
            intRange(0, 65_535),
            "an integer in 0..65535 (0 picks a free port)",
            "Remoting port (TLS only)."));
    cluster.put(
        "seed_nodes",
        list(
            List.of(),
            v -> ((String) v).matches("[^:\\s]+:\\d{1,5}"),
            "a list of host:port",
            "Nodes to join; empty: the node forms a cluster of its own."));
    cluster.put(
        "roles",
        list(
            List.of(),
            v -> ((String) v).matches("[a-zA-Z0-9._-]+"),
            "a list of role names (letters, digits, '.', '-', '_')",
            "Pekko Cluster roles of the node."));
    Map<String, Spec> sbr = new LinkedHashMap<>();
    sbr.put(
        "enabled",
        bool(true, "Down unreachable nodes with Pekko's split brain resolver (on by default)."));
    sbr.put(
        "strategy",
        oneOf(
            "keep-majority",
            "Which side of a partition survives.",
            "keep-majority",
            "keep-oldest",
            "down-all",
            "lease-majority",
            "static-quorum"));
    sbr.put(
        "stable_after_seconds",
        seconds(20, "Membership must be stable this long before the resolver decides."));
    sbr.put(
        "static_quorum_size",
        leaf(
            Kind.INT,
            0,
            intRange(0, 10_000),
            "an integer in 0..10000 (required > 0 for static-quorum)",
            "Quorum size of the static-quorum strategy."));
    cluster.put("split_brain_resolver", new Section(sbr, null));
    Map<String, Spec> sharding = new LinkedHashMap<>();
    sharding.put(
        "number_of_shards",
        leaf(
            Kind.INT,
            100,
            intRange(1, 100_000),
            "an integer in 1..100000 (the same on every node, for the cluster's lifetime)",
            "Shards of each keyed agent; about ten times the largest planned node count."));
    sharding.put(
        "passivation_idle_seconds",
        seconds(
            120,
            "A keyed agent's entity stops after this long without calls (its state is dropped)."));
    sharding.put(
        "role",
        leaf(
            Kind.STRING,
            "",
            v -> ((String) v).isEmpty() || ((String) v).matches("[a-zA-Z0-9._-]+"),
            "a role name (letters, digits, '.', '-', '_') or empty",
            "Only nodes with this role run keyed entities (empty: every node that hosts the agent)."));
    sharding.put(
        "resend_after_seconds",
        seconds(
            1,
            "A keyed call unanswered this long is asked after at its entity and sent again if the"
                + " entity never got it (messages to a moving shard can be dropped)."));
    cluster.put("sharding", new Section(sharding, null));
    Map<String, Spec> management = new LinkedHashMap<>();
    management.put(
        "enabled",
        bool(
            false,
            "Run Pekko Management HTTP (health checks /alive and /ready for Kubernetes probes,"
                + " and the bootstrap endpoint); always on when cluster.bootstrap.enabled."));
    management.put("host", str("", "Management bind address (default: cluster.host)."));
    management.put(
        "port",
        leaf(
            Kind.INT,
            7626,
            intRange(0, 65_535),
            "an integer in 0..65535 (0 picks a free port)",
            "Management HTTP port (plain HTTP: keep it inside the cluster network)."));
    cluster.put("management", new Section(management, null));
    Map<String, Spec> bootstrap = new LinkedHashMap<>();
    bootstrap.put(
        "enabled",
        bool(
            false,
            "Form or join the cluster through Pekko Cluster Bootstrap instead of seed_nodes."));
    bootstrap.put(
        "discovery",
        oneOf(
            "kubernetes-api",
            "How contact points are found: pods of the service (kubernetes-api) or a fixed"
                + " list (config).",
            "kubernetes-api",
            "config"));
    bootstrap.put(
        "service_name",
        leaf(
            Kind.STRING,
            "",
            v -> ((String) v).isEmpty() || ((String) v).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"),
            "a DNS label (lower-case letters, digits, '-', '.') or empty",
            "The service whose pods are contact points (default: agent.name)."));
    bootstrap.put(
        "label_selector",
        str(
            "app=%s",
            "Kubernetes label selector of the pods; %s is replaced by the service name."));
    bootstrap.put(
        "required_contact_points",
        leaf(
            Kind.INT,
            2,
            intRange(1, 1_000),
            "an integer in 1..1000",
            "Contact points that must be found before a new cluster is formed."));
    bootstrap.put(
        "stable_margin_seconds",
        seconds(5, "Contact points must be unchanged this long before a new cluster is formed."));
    bootstrap.put(
        "contact_points",
        list(
            List.of(),
            v -> ((String) v).matches("[^:\\s]+:\\d{1,5}"),
            "a list of host:port (management endpoints)",
            "With discovery: config, the management endpoints of the nodes."));
    cluster.put("bootstrap", new Section(bootstrap, null));
    return new Section(cluster, null);
  }
}
