package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterAgentDirectory;
import dev.agentweave.mesh.cluster.ClusterSettings;
import dev.agentweave.mesh.cluster.SpiffeRemotingTls;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.NodeExtension;
import dev.agentweave.mesh.spi.NodeSetup;
import dev.agentweave.mesh.support.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a node a Pekko Cluster member when {@code cluster.enabled} is true: the actor system is
 * named {@value #SYSTEM_NAME} (members of a cluster share it), uses the cluster provider, and runs
 * remoting over TLS with the node identity {@code spiffe://<trust-domain>/node/<node_name>} ({@link
 * SpiffeRemotingTls}); once started, the node joins {@code cluster.seed_nodes}, or itself when
 * there are none (a one-node cluster), or, with {@code cluster.bootstrap.enabled}, finds the other
 * nodes through Pekko Cluster Bootstrap (Kubernetes API or configured contact points). With {@code
 * cluster.management} (or bootstrap) the node serves Pekko Management HTTP: {@code /alive} and
 * {@code /ready} for Kubernetes probes. Found by {@link java.util.ServiceLoader}.
 */
public final class ClusterNodeExtension implements NodeExtension {
  /** The actor system name of every cluster member. */
  public static final String SYSTEM_NAME = "agentweave";

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster");

  private final Map<SpiffeId, AutoCloseable> registrations = new ConcurrentHashMap<>();

  /** Creates the extension (for {@link java.util.ServiceLoader}). */
  public ClusterNodeExtension() {}

  @Override
  public String name() {
    return "cluster";
  }

  private static SpiffeId nodeId(MeshSettings settings) {
    return SpiffeRemotingTls.nodeId(
        settings.agent().trustDomain(), settings.section(ClusterSettings.class).nodeName());
  }

  @Override
  public Optional<String> actorSystemName(MeshSettings settings) {
    return settings.section(ClusterSettings.class).enabled()
        ? Optional.of(SYSTEM_NAME)
        : Optional.empty();
  }

  @Override
  public String pekkoConfig(NodeSetup setup) {
    MeshSettings settings = setup.settings();
    List<SpiffeId> keyedAgents = setup.keyedAgentIds();
    ClusterSettings c = settings.section(ClusterSettings.class);
    if (!c.enabled()) {
      return "";
    }
    SpiffeId node = nodeId(settings);
    IdentitySource source = setup.identities();
    RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    AutoCloseable registration =
        SpiffeRemotingTls.register(
            source,
            node,
            settings.transport().tlsMinVersion(),
            reason -> refusals.warn("refused a remoting peer: {}", reason));
    registrations.put(node, registration);
    return SpiffeRemotingTls.config(node)
        + "pekko.actor.provider = cluster\n"
        + "pekko.remote.artery.canonical.hostname = \""
        + c.host()
        + "\"\n"
        + "pekko.remote.artery.canonical.port = "
        + c.port()
        + "\n"
        + "pekko.cluster.seed-nodes = "
        + quoted(c.seedNodes().stream().map(s -> "pekko://" + SYSTEM_NAME + "@" + s).toList())
        + "\n"
        + "pekko.cluster.jmx.enabled = off\n"
        + "pekko.cluster.roles = "
        + quoted(roles(c, keyedAgents))
        + "\n"
        + splitBrainResolver(c.splitBrainResolver())
        + sharding(c.sharding(), keyedAgents)
        + management(c)
        + bootstrap(c.bootstrap());
  }

  /** A HOCON list of quoted strings. */
  static String quoted(List<String> values) {
    return "[" + String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList()) + "]";
  }

  /**
   * Pekko Management HTTP: health checks (Pekko's cluster membership check and {@link
   * NodeReadinessCheck}) and, with bootstrap, its endpoint; the cluster membership routes are off,
   * as the port is plain HTTP.
   */
  static String management(ClusterSettings c) {
    ClusterSettings.ManagementSettings m = c.management();
    if (!m.enabled()) {
      return "";
    }
    return "pekko.management.http.hostname = \""
        + m.host()
        + "\"\n"
        + "pekko.management.http.port = "
        + m.port()
        + "\n"
        + "pekko.management.http.routes.cluster-management = \"\"\n"
        + "pekko.management.health-checks.readiness-checks.agentweave-node ="
        + " \"dev.agentweave.mesh.cluster.internal.NodeReadinessCheck\"\n";
  }

  /** Pekko Cluster Bootstrap: contact points from the Kubernetes API or from the configuration. */
  static String bootstrap(ClusterSettings.BootstrapSettings b) {
    if (!b.enabled()) {
      return "";
    }
    String common =
        """
        pekko.management.cluster.bootstrap.contact-point-discovery {
          service-name = "%s"
          discovery-method = %s
          required-contact-point-nr = %d
          stable-margin = %dms
        }
        """
            .formatted(
                b.serviceName(),
                b.discovery(),
                b.requiredContactPoints(),
                b.stableMargin().toMillis());
    if (b.discovery().equals("kubernetes-api")) {
      // Pod IPs as contact points (they match the management hostname, the pod IP), on the
      // container port named "management".
      return common
          + """
          pekko.management.cluster.bootstrap.contact-point-discovery.port-name = "management"
          pekko.discovery.kubernetes-api.use-raw-ip = true
          pekko.discovery.kubernetes-api.pod-label-selector = "%s"
          """
              .formatted(b.labelSelector());
    }
    // Configured contact points may use different management ports (several nodes per host).
    StringBuilder endpoints = new StringBuilder();
    for (String point : b.contactPoints()) {
      int colon = point.lastIndexOf(':');
      endpoints
          .append("{ host = \"")
          .append(point, 0, colon)
          .append("\", port = ")
          .append(point.substring(colon + 1))
          .append(" }\n");
    }
    return common
        + "pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port = off\n"
        + "pekko.discovery.config.services.\""
        + b.serviceName()
        + "\".endpoints = [\n"
        + endpoints
        + "]\n";
  }

  /**
   * Cluster Sharding of keyed agents, the serializer of their calls, and the readiness check of
   * their shard regions (a node is ready once its regions have registered with their coordinators).
   */
  static String sharding(ClusterSettings.ShardingSettings s, List<SpiffeId> keyedAgents) {
    return "pekko.cluster.sharding.healthcheck.names = "
        + quoted(keyedAgents.stream().map(ShardedEntityRouter::roleOf).toList())
        + "\n"
        + "pekko.cluster.sharding.number-of-shards = "
        + s.numberOfShards()
        + "\n"
        + "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = "
        + s.passivationIdle().toMillis()
        + "ms\n"
        // Pekko's newer rebalance algorithm: balanced in one or two rounds after a join.
        + "pekko.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit = 20\n"
        + "pekko.actor.serializers.agentweave-entity ="
        + " \"dev.agentweave.mesh.cluster.internal.EntitySerializer\"\n"
        + "pekko.actor.serialization-bindings {\n"
        + "  \"dev.agentweave.mesh.cluster.internal.EntityMessage\" = agentweave-entity\n"
        + "}\n";
  }

  /**
   * The node's roles: the configured ones, plus, without {@code cluster.sharding.role}, one role
   * per hosted keyed agent, so that each keyed agent's shards live only on nodes that host it (and
   * its shard coordinator counts only those nodes).
   */
  static List<String> roles(ClusterSettings c, List<SpiffeId> keyedAgents) {
    List<String> roles = new ArrayList<>(c.roles());
    if (c.sharding().role().isEmpty()) {
      for (SpiffeId k : keyedAgents) {
        roles.add(ShardedEntityRouter.roleOf(k));
      }
    }
    return roles;
  }

  /** Pekko's split brain resolver, on unless configured off. */
  static String splitBrainResolver(ClusterSettings.SplitBrainResolverSettings sbr) {
    if (!sbr.enabled()) {
      return "";
    }
    return "pekko.cluster.downing-provider-class ="
        + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n"
        + "pekko.cluster.split-brain-resolver.active-strategy = "
        + sbr.strategy()
        + "\n"
        + "pekko.cluster.split-brain-resolver.stable-after = "
        + sbr.stableAfter().toMillis()
        + "ms\n"
        + (sbr.staticQuorumSize() > 0
            ? "pekko.cluster.split-brain-resolver.static-quorum.quorum-size = "
                + sbr.staticQuorumSize()
                + "\n"
            : "");
  }

  private static void startManagement(NodeContext node) {
    ClusterSettings.ManagementSettings m =
        node.settings().section(ClusterSettings.class).management();
    String where = m.host() + ":" + m.port();
    try {
      Object uri =
          PekkoManagement.get(Adapter.toClassic(node.actorSystem()))
              .start()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      LOG.info("management HTTP (health checks /alive and /ready) at {}", uri);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cluster.management: cannot serve management HTTP on "
              + where
              + " (expected: a free port on a local address): "
              + cause,
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting management HTTP", e);
    }
  }

  @Override
  public void started(NodeContext node) {
    MeshSettings settings = node.settings();
    if (!settings.section(ClusterSettings.class).enabled()) {
      return;
    }
    Cluster cluster = Cluster.get(node.actorSystem());
    if (settings.section(ClusterSettings.class).management().enabled()) {
      NodeReadinessCheck.register(node);
      startManagement(node);
    }
    if (settings.section(ClusterSettings.class).bootstrap().enabled()) {
      // Bootstrap finds the other nodes, forms a new cluster or joins the existing one.
      ClusterBootstrap.get(Adapter.toClassic(node.actorSystem())).start();
      LOG.info(
          "node {} bootstraps the cluster: contact points of service '{}' by {} discovery",
          settings.section(ClusterSettings.class).nodeName(),
          settings.section(ClusterSettings.class).bootstrap().serviceName(),
          settings.section(ClusterSettings.class).bootstrap().discovery());
    } else if (settings.section(ClusterSettings.class).seedNodes().isEmpty()) {
      // No seeds: form a cluster of one. With seeds, Pekko joins them (pekko.cluster.seed-nodes).
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    SpiffeRemotingTls.boundTermination(node.actorSystem());
    // The agent directory: other nodes learn this node's agents once its gateway serves.
    ReplicatedAgentDirectory directory = ReplicatedAgentDirectory.start(node.actorSystem());
    node.useAgentDirectory(directory);
    node.register(ClusterAgentDirectory.class, directory);
    List<SpiffeId> hosted = new ArrayList<>();
    hosted.addAll(node.hostedAgents());
    node.advertisedGateway().thenAccept(url -> directory.publish(url, hosted));
    if (!node.keyedAgents().isEmpty()) {
      node.useEntityRouter(ShardedEntityRouter.start(node));
    }
    SpiffeId id = nodeId(settings);
    // The identity stays registered until the actor system has terminated: remoting may still
    // handshake while it stops.
    node.actorSystem()
        .getWhenTerminated()
        .thenRun(
            () -> {
              AutoCloseable registration = registrations.remove(id);
              if (registration != null) {
                try {
                  registration.close();
                } catch (Exception e) {
                  LOG.debug("closing the remoting registration failed", e);
                }
              }
            });
    LOG.info(
        "node {} joins the cluster at {} as {}",
        settings.section(ClusterSettings.class).nodeName(),
        cluster.selfMember().address(),
        id);
  }
}
