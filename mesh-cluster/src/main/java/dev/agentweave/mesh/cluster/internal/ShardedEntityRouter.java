package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterSettings;
import dev.agentweave.mesh.cluster.ClusterSettings.ShardingSettings;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.EntityRouter;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import dev.agentweave.mesh.spi.NodeContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's keyed agents on Pekko Cluster Sharding and routes their calls: one entity type per
 * keyed agent, named after its SPIFFE ID; entity IDs are the keys. Calls go out through the node's
 * {@link KeyedCalls} actor, which sends a call again while it has no answer (Cluster Sharding
 * delivers at most once) and gives up at the call's deadline.
 */
public final class ShardedEntityRouter implements EntityRouter {
  /** How long an entity keeps an answer for repeats of its call, at least. */
  static final Duration MIN_DONE_RETENTION = Duration.ofSeconds(30);

  /** How many calls of one key may wait while one runs. */
  public static final int ENTITY_QUEUE_CAPACITY = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.entities");

  private final ClusterSharding sharding;
  private final ActorRef<KeyedCalls.Command> calls;
  private final Map<SpiffeId, EntityTypeKey<KeyedEntity.Command>> types = new LinkedHashMap<>();
  private final Map<SpiffeId, AtomicInteger> live = new LinkedHashMap<>();

  private ShardedEntityRouter(ClusterSharding sharding, ActorRef<KeyedCalls.Command> calls) {
    this.sharding = sharding;
    this.calls = calls;
  }

  /**
   * Starts sharding for every keyed agent of the node.
   *
   * @param node the node
   * @return the router, to register with {@link MeshNode#useEntityRouter}
   */
  public static ShardedEntityRouter start(NodeContext node) {
    ActorSystem<Void> system = node.actorSystem();
    ShardingSettings s = node.settings().section(ClusterSettings.class).sharding();
    ShardedEntityRouter router =
        new ShardedEntityRouter(
            ClusterSharding.get(system),
            system.systemActorOf(
                KeyedCalls.create(
                    s.resendAfter(),
                    (agent, reason) ->
                        node.metrics()
                            .counter(
                                dev.agentweave.mesh.support.MeterNames.KEYED_RESENDS,
                                "Keyed calls this node sent again: no answer within"
                                    + " cluster.sharding.resend_after_seconds, or not run by an"
                                    + " entity that stopped",
                                "agent",
                                agent.agentName(),
                                "reason",
                                reason)
                            .increment()),
                "agentweave-keyed-calls",
                Props.empty()));
    Duration doneRetention =
        s.resendAfter().multipliedBy(3).compareTo(MIN_DONE_RETENTION) > 0
            ? s.resendAfter().multipliedBy(3)
            : MIN_DONE_RETENTION;
    for (KeyedAgentHost host : node.keyedAgents()) {
      EntityTypeKey<KeyedEntity.Command> type = typeKey(host.spiffeId());
      AtomicInteger count = new AtomicInteger();
      router.types.put(host.spiffeId(), type);
      router.live.put(host.spiffeId(), count);
      node.metrics()
          .gauge(
              dev.agentweave.mesh.support.MeterNames.KEYED_ENTITIES,
              "Live entities of a keyed agent on this node",
              count::get,
              "agent",
              host.spiffeId().agentName());
      ClusterShardingSettings settings = ClusterShardingSettings.create(system);
      if (host.passivation().isPresent()) {
        settings =
            settings.withPassivationStrategy(
                ClusterShardingSettings.PassivationStrategySettings$.MODULE$
                    .defaults()
                    .withIdleEntityPassivation(host.passivation().get()));
      }
      Entity<KeyedEntity.Command, ?> entity =
          Entity.of(
                  type,
                  ctx ->
                      KeyedEntity.create(
                          host, ctx.getEntityId(), ENTITY_QUEUE_CAPACITY, doneRetention, count))
              .withSettings(settings);
      entity = entity.withRole(s.role().isEmpty() ? roleOf(host.spiffeId()) : s.role());
      router.sharding.init(entity);
      LOG.info(
          "keyed agent {} runs on cluster sharding (type {}, {} shards{})",
          host.spiffeId(),
          type.name(),
          s.numberOfShards(),
          s.role().isEmpty() ? "" : ", entities on nodes with role " + s.role());
    }
    return router;
  }

  /**
   * The role every node hosting a keyed agent has when {@code cluster.sharding.role} is not set.
   *
   * @param agent the keyed agent
   * @return the role, the name of its entity type
   */
  public static String roleOf(SpiffeId agent) {
    return typeKey(agent).name();
  }

  /** The entity type of a keyed agent. */
  static EntityTypeKey<KeyedEntity.Command> typeKey(SpiffeId agent) {
    return EntityTypeKey.create(
        KeyedEntity.Command.class,
        "keyed-" + agent.trustDomain() + "-" + agent.path().substring(1).replace('/', '-'));
  }

  /**
   * The live entities of a keyed agent on this node.
   *
   * @param agent the keyed agent
   * @return the count, 0 for an agent this node does not host
   */
  public int liveEntities(SpiffeId agent) {
    AtomicInteger c = live.get(agent);
    return c == null ? 0 : c.get();
  }

  @Override
  public CompletionStage<byte[]> ask(EntityCall call) {
    EntityTypeKey<KeyedEntity.Command> type = types.get(call.agent());
    if (type == null) {
      return CompletableFuture.failedFuture(
          new NotFoundException("keyed agent " + call.agent() + " does not run on this node"));
    }
    EntityRef<KeyedEntity.Command> ref = sharding.entityRefFor(type, call.key());
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    calls.tell(new KeyedCalls.Send(ref, call, out));
    return out;
  }
}
