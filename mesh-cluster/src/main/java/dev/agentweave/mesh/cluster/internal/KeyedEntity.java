package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import dev.agentweave.mesh.support.Completions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entity of one key of a keyed agent: it holds the key's state and runs the key's calls one at
 * a time, in arrival order, keeping at most {@code queueCapacity} waiting. A call that is still
 * waiting when the entity stops (passivation, a shard moving to another node, the node stopping) is
 * answered "not run", so the sending node may send it again.
 *
 * <p>Each call ID runs once: a repeat of a call that is waiting or running is answered {@link
 * EntityMessage.Outcome#PENDING}, a repeat of a call answered in the last {@code doneRetention}
 * gets the same answer again, and a repeat that may not run here ({@code runIfUnknown} false) of a
 * call this entity never got is answered {@link EntityMessage.Outcome#UNKNOWN}.
 */
public final class KeyedEntity extends AbstractBehavior<KeyedEntity.Command> {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.entities");

  /** How many answers an entity keeps for repeats, at most. */
  static final int MAX_DONE = 1_000;

  /** Messages of the entity. */
  public interface Command {}

  private record Finished(String callId, EntityMessage.Reply reply) implements Command {}

  private record Done(EntityMessage.Reply reply, long at) {}

  private final KeyedAgentHost host;
  private final String key;
  private final int queueCapacity;
  private final long doneRetentionNanos;
  private final AtomicInteger live;
  private final ActorRef<Command> self;
  private final ArrayDeque<EntityMessage.Request> waiting = new ArrayDeque<>();
  private final Set<String> pending = new HashSet<>();
  private final LinkedHashMap<String, Done> done = new LinkedHashMap<>();
  private final Object state;
  private final RuntimeException broken;
  private boolean running;

  /**
   * The behavior of one entity.
   *
   * @param host the keyed agent
   * @param key the entity's key
   * @param queueCapacity how many calls may wait while one runs
   * @param doneRetention how long an answer is kept for repeats of its call
   * @param live counts the agent's live entities on this node
   * @return the behavior
   */
  public static Behavior<Command> create(
      KeyedAgentHost host,
      String key,
      int queueCapacity,
      Duration doneRetention,
      AtomicInteger live) {
    return Behaviors.setup(
        ctx -> new KeyedEntity(ctx, host, key, queueCapacity, doneRetention, live));
  }

  private KeyedEntity(
      ActorContext<Command> ctx,
      KeyedAgentHost host,
      String key,
      int queueCapacity,
      Duration doneRetention,
      AtomicInteger live) {
    super(ctx);
    this.host = host;
    this.key = key;
    this.queueCapacity = queueCapacity;
    this.doneRetentionNanos = doneRetention.toNanos();
    this.live = live;
    this.self = ctx.getSelf();
    Object s = null;
    RuntimeException failure = null;
    try {
      s = host.newState(key);
    } catch (RuntimeException e) {
      LOG.warn("state of key '{}' of {} could not be made", key, host.spiffeId(), e);
      failure = e;
    }
    this.state = s;
    this.broken = failure;
    live.incrementAndGet();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EntityMessage.Request.class, this::onRequest)
        .onMessage(Finished.class, this::onFinished)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onRequest(EntityMessage.Request request) {
    String id = request.callId();
    if (pending.contains(id)) {
      request.replyTo().tell(EntityMessage.Reply.of(id, EntityMessage.Outcome.PENDING));
      return this;
    }
    Done answered = done.get(id);
    if (answered != null && System.nanoTime() - answered.at() < doneRetentionNanos) {
      request.replyTo().tell(answered.reply());
      return this;
    }
    if (!request.runIfUnknown()) {
      request.replyTo().tell(EntityMessage.Reply.of(id, EntityMessage.Outcome.UNKNOWN));
      return this;
    }
    if (broken != null) {
      request
          .replyTo()
          .tell(
              failure(
                  id,
                  new dev.agentweave.mesh.InternalErrorException(
                      "the state of key '"
                          + key
                          + "' of "
                          + host.spiffeId()
                          + " could not be made"),
                  EntityMessage.Outcome.FAILED));
      // Stop, so that the next call of this key tries the factory again.
      return Behaviors.stopped();
    }
    if (running) {
      if (waiting.size() >= queueCapacity) {
        request
            .replyTo()
            .tell(
                failure(
                    id,
                    new OverloadedException(
                        "key '"
                            + key
                            + "' of "
                            + host.spiffeId()
                            + " has "
                            + queueCapacity
                            + " calls waiting",
                        Duration.ofSeconds(1)),
                    EntityMessage.Outcome.FAILED));
      } else {
        pending.add(id);
        waiting.addLast(request);
      }
      return this;
    }
    pending.add(id);
    runFrom(request);
    return this;
  }

  private Behavior<Command> onFinished(Finished f) {
    running = false;
    remember(f.callId(), f.reply());
    EntityMessage.Request next = waiting.pollFirst();
    if (next != null) {
      runFrom(next);
    }
    return this;
  }

  private void remember(String callId, EntityMessage.Reply reply) {
    pending.remove(callId);
    long now = System.nanoTime();
    done.put(callId, new Done(reply, now));
    Iterator<Done> oldest = done.values().iterator();
    while (oldest.hasNext()) {
      Done d = oldest.next();
      if (done.size() > MAX_DONE || now - d.at() >= doneRetentionNanos) {
        oldest.remove();
      } else {
        break;
      }
    }
  }

  /** Runs calls while they complete at once; stops at the first that completes later. */
  private void runFrom(EntityMessage.Request first) {
    EntityMessage.Request current = first;
    while (current != null) {
      String id = current.callId();
      CompletionStage<byte[]> stage;
      try {
        stage = host.handle(state, current.call());
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      if (stage instanceof CompletableFuture<byte[]> cf && cf.isDone()) {
        EntityMessage.Reply reply = reply(id, cf);
        current.replyTo().tell(reply);
        remember(id, reply);
        current = waiting.pollFirst();
        continue;
      }
      running = true;
      ActorRef<KeyedCalls.Command> replyTo = current.replyTo();
      stage.whenComplete(
          (bytes, error) -> {
            EntityMessage.Reply reply =
                error == null
                    ? EntityMessage.Reply.ok(id, bytes)
                    : failure(id, error, EntityMessage.Outcome.FAILED);
            // Answer at once, even if this entity stopped meanwhile; then let it run the next.
            replyTo.tell(reply);
            self.tell(new Finished(id, reply));
          });
      return;
    }
  }

  private static EntityMessage.Reply reply(String callId, CompletableFuture<byte[]> done) {
    try {
      return EntityMessage.Reply.ok(callId, done.join());
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return failure(callId, e, EntityMessage.Outcome.FAILED);
    }
  }

  static EntityMessage.Reply failure(
      String callId, Throwable error, EntityMessage.Outcome outcome) {
    Throwable t = Completions.unwrap(error);
    if (t instanceof MeshException m) {
      long retry = m instanceof OverloadedException o ? o.retryAfter().toMillis() : 0;
      return new EntityMessage.Reply(
          callId, outcome, null, m.code().wireName(), String.valueOf(m.getMessage()), retry);
    }
    LOG.warn("keyed call failed unexpectedly", t);
    return new EntityMessage.Reply(
        callId, outcome, null, ErrorCode.INTERNAL.wireName(), "keyed call failed unexpectedly", 0);
  }

  private Behavior<Command> onStop() {
    live.decrementAndGet();
    for (EntityMessage.Request r : waiting) {
      r.replyTo()
          .tell(
              failure(
                  r.callId(),
                  new dev.agentweave.mesh.UnavailableException(
                      "the entity of key '"
                          + key
                          + "' of "
                          + host.spiffeId()
                          + " stopped before the call ran"),
                  EntityMessage.Outcome.NOT_RUN));
    }
    waiting.clear();
    return this;
  }
}
