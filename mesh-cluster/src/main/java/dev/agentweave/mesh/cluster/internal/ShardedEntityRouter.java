package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.MeshNode;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings.ShardingSettings;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.EntityRouter;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's keyed agents on Pekko Cluster Sharding and routes their calls: one entity type per
 * keyed agent, named after its SPIFFE ID; entity IDs are the keys. A call answered "not run" (its
 * entity stopped while the call waited, for example because its shard moved) is sent again, at most
 * {@value #MAX_ATTEMPTS} times within its deadline; a call without an answer by its deadline fails
 * as deadline exceeded.
 */
public final class ShardedEntityRouter implements EntityRouter {
  /** How many times a call that was not run is sent. */
  public static final int MAX_ATTEMPTS = 3;

  /** How many calls of one key may wait while one runs. */
  public static final int ENTITY_QUEUE_CAPACITY = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.entities");

  private final ClusterSharding sharding;
  private final Map<SpiffeId, EntityTypeKey<KeyedEntity.Command>> types = new LinkedHashMap<>();
  private final Map<SpiffeId, AtomicInteger> live = new LinkedHashMap<>();

  private ShardedEntityRouter(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  /**
   * Starts sharding for every keyed agent of the node.
   *
   * @param node the node
   * @return the router, to register with {@link MeshNode#useEntityRouter}
   */
  public static ShardedEntityRouter start(MeshNode node) {
    ActorSystem<Void> system = node.actorSystem();
    ShardingSettings s = node.settings().cluster().sharding();
    ShardedEntityRouter router = new ShardedEntityRouter(ClusterSharding.get(system));
    for (KeyedAgentHost host : node.keyedAgents()) {
      EntityTypeKey<KeyedEntity.Command> type = typeKey(host.spiffeId());
      AtomicInteger count = new AtomicInteger();
      router.types.put(host.spiffeId(), type);
      router.live.put(host.spiffeId(), count);
      node.metrics()
          .gauge(
              dev.agentweave.mesh.internal.MeterNames.KEYED_ENTITIES,
              "Live entities of a keyed agent on this node",
              count::get,
              "agent",
              host.spiffeId().path().substring(host.spiffeId().path().lastIndexOf('/') + 1));
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
                  ctx -> KeyedEntity.create(host, ctx.getEntityId(), ENTITY_QUEUE_CAPACITY, count))
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
    attempt(ref, call, System.nanoTime() + call.timeout().toNanos(), 1, out);
    return out;
  }

  private void attempt(
      EntityRef<KeyedEntity.Command> ref,
      EntityCall call,
      long deadline,
      int attempt,
      CompletableFuture<byte[]> out) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      out.completeExceptionally(noAnswer(call));
      return;
    }
    EntityCall sent =
        new EntityCall(
            call.agent(),
            call.key(),
            call.caller(),
            call.action(),
            call.request(),
            Duration.ofNanos(left),
            call.requestId());
    ref.<EntityMessage.Reply>ask(
            replyTo -> new EntityMessage.Request(sent, replyTo), Duration.ofNanos(left))
        .whenComplete(
            (reply, error) -> {
              if (error != null) {
                Throwable t =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                out.completeExceptionally(
                    t instanceof TimeoutException
                        ? noAnswer(call)
                        : new dev.agentweave.mesh.UnavailableException(
                            "keyed call '"
                                + call.action()
                                + "' of "
                                + call.agent()
                                + " for key '"
                                + call.key()
                                + "' could not be sent: "
                                + t));
                return;
              }
              if (reply.body() != null) {
                out.complete(reply.body());
                return;
              }
              if (reply.notRun() && attempt < MAX_ATTEMPTS) {
                attempt(ref, call, deadline, attempt + 1, out);
                return;
              }
              out.completeExceptionally(toException(reply));
            });
  }

  private static MeshException noAnswer(EntityCall call) {
    return new DeadlineExceededException(
        "keyed call '"
            + call.action()
            + "' of "
            + call.agent()
            + " for key '"
            + call.key()
            + "' got no answer within "
            + call.timeout()
            + " (the entity's node may have been lost; it did not confirm the call)");
  }

  static MeshException toException(EntityMessage.Reply reply) {
    ErrorCode code = ErrorCode.ofWireName(reply.errorCode()).orElse(ErrorCode.INTERNAL);
    return MeshException.of(
        code, reply.message(), Duration.ofMillis(Math.max(0, reply.retryAfterMillis())));
  }
}
