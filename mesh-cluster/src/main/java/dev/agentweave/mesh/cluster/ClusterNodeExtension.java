package dev.agentweave.mesh.cluster;

import dev.agentweave.mesh.MeshNode;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.internal.ShardedEntityRouter;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.MeshSettings.ClusterSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.IdentitySources;
import dev.agentweave.mesh.internal.RateLimitedLog;
import dev.agentweave.mesh.spi.NodeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a node a Pekko Cluster member when {@code cluster.enabled} is true: the actor system is
 * named {@value #SYSTEM_NAME} (members of a cluster share it), uses the cluster provider, and runs
 * remoting over TLS with the node identity {@code spiffe://<trust-domain>/node/<node_name>} ({@link
 * SpiffeRemotingTls}); once started, the node joins {@code cluster.seed_nodes}, or itself when
 * there are none (a one-node cluster). Found by {@link java.util.ServiceLoader}.
 */
public final class ClusterNodeExtension implements NodeExtension {
  /** The actor system name of every cluster member. */
  public static final String SYSTEM_NAME = "agentweave";

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster");

  private record Owned(AutoCloseable registration, IdentitySource source, boolean ownsSource) {}

  private final Map<SpiffeId, Owned> owned = new ConcurrentHashMap<>();

  /** Creates the extension (for {@link java.util.ServiceLoader}). */
  public ClusterNodeExtension() {}

  @Override
  public String name() {
    return "cluster";
  }

  private static SpiffeId nodeId(MeshSettings settings) {
    return SpiffeRemotingTls.nodeId(settings.agent().trustDomain(), settings.cluster().nodeName());
  }

  @Override
  public Optional<String> actorSystemName(MeshSettings settings) {
    return settings.cluster().enabled() ? Optional.of(SYSTEM_NAME) : Optional.empty();
  }

  @Override
  public String pekkoConfig(MeshSettings settings, Optional<IdentitySource> identities) {
    return pekkoConfig(settings, identities, List.of());
  }

  @Override
  public String pekkoConfig(
      MeshSettings settings, Optional<IdentitySource> identities, List<SpiffeId> keyedAgents) {
    ClusterSettings c = settings.cluster();
    if (!c.enabled()) {
      return "";
    }
    SpiffeId node = nodeId(settings);
    IdentitySource source = identities.orElseGet(() -> IdentitySources.fromSettings(settings));
    RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    AutoCloseable registration =
        SpiffeRemotingTls.register(
            source,
            node,
            settings.transport().tlsMinVersion(),
            reason -> refusals.warn("refused a remoting peer: {}", reason));
    owned.put(node, new Owned(registration, source, identities.isEmpty()));
    List<String> seeds = new ArrayList<>();
    for (String s : c.seedNodes()) {
      seeds.add("\"pekko://" + SYSTEM_NAME + "@" + s + "\"");
    }
    return SpiffeRemotingTls.config(node)
        + "pekko.actor.provider = cluster\n"
        + "pekko.remote.artery.canonical.hostname = \""
        + c.host()
        + "\"\n"
        + "pekko.remote.artery.canonical.port = "
        + c.port()
        + "\n"
        + "pekko.cluster.seed-nodes = ["
        + String.join(", ", seeds)
        + "]\n"
        + "pekko.cluster.jmx.enabled = off\n"
        + "pekko.cluster.roles = ["
        + String.join(", ", roles(c, keyedAgents).stream().map(r -> "\"" + r + "\"").toList())
        + "]\n"
        + splitBrainResolver(c.splitBrainResolver())
        + sharding(c.sharding());
  }

  /** Cluster Sharding of keyed agents, and the serializer of their calls. */
  static String sharding(MeshSettings.ShardingSettings s) {
    return "pekko.cluster.sharding.number-of-shards = "
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
  static String splitBrainResolver(MeshSettings.SplitBrainResolverSettings sbr) {
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

  @Override
  public void started(MeshNode node) {
    MeshSettings settings = node.settings();
    if (!settings.cluster().enabled()) {
      return;
    }
    Cluster cluster = Cluster.get(node.actorSystem());
    if (settings.cluster().seedNodes().isEmpty()) {
      // No seeds: form a cluster of one. With seeds, Pekko joins them (pekko.cluster.seed-nodes).
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    SpiffeRemotingTls.boundTermination(node.actorSystem());
    // The agent directory: other nodes learn this node's agents once its gateway serves.
    ClusterAgentDirectory directory = ClusterAgentDirectory.start(node.actorSystem());
    node.useAgentDirectory(directory);
    List<SpiffeId> hosted = new ArrayList<>();
    node.agents().forEach(a -> hosted.add(a.spiffeId()));
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
              Owned o = owned.remove(id);
              if (o != null) {
                try {
                  o.registration().close();
                } catch (Exception e) {
                  LOG.debug("closing the remoting registration failed", e);
                }
                if (o.ownsSource()) {
                  o.source().close();
                }
              }
            });
    LOG.info(
        "node {} joins the cluster at {} as {}",
        settings.cluster().nodeName(),
        cluster.selfMember().address(),
        id);
  }
}
