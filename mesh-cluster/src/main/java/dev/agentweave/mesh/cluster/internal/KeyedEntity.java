package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import java.util.ArrayDeque;
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
 * answered as unavailable and not run, so the sending node may send it again.
 */
public final class KeyedEntity extends AbstractBehavior<KeyedEntity.Command> {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.entities");

  /** Messages of the entity. */
  public interface Command {}

  private record Finished() implements Command {}

  private final KeyedAgentHost host;
  private final String key;
  private final int queueCapacity;
  private final AtomicInteger live;
  private final ActorRef<Command> self;
  private final ArrayDeque<EntityMessage.Request> waiting = new ArrayDeque<>();
  private final Object state;
  private final RuntimeException broken;
  private boolean running;

  /**
   * The behavior of one entity.
   *
   * @param host the keyed agent
   * @param key the entity's key
   * @param queueCapacity how many calls may wait while one runs
   * @param live counts the agent's live entities on this node
   * @return the behavior
   */
  public static Behavior<Command> create(
      KeyedAgentHost host, String key, int queueCapacity, AtomicInteger live) {
    return Behaviors.setup(ctx -> new KeyedEntity(ctx, host, key, queueCapacity, live));
  }

  private KeyedEntity(
      ActorContext<Command> ctx,
      KeyedAgentHost host,
      String key,
      int queueCapacity,
      AtomicInteger live) {
    super(ctx);
    this.host = host;
    this.key = key;
    this.queueCapacity = queueCapacity;
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
        .onMessage(Finished.class, f -> onFinished())
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onRequest(EntityMessage.Request request) {
    if (broken != null) {
      request
          .replyTo()
          .tell(
              failure(
                  new dev.agentweave.mesh.InternalErrorException(
                      "the state of key '"
                          + key
                          + "' of "
                          + host.spiffeId()
                          + " could not be made"),
                  false));
      // Stop, so that the next call of this key tries the factory again.
      return Behaviors.stopped();
    }
    if (running) {
      if (waiting.size() >= queueCapacity) {
        request
            .replyTo()
            .tell(
                failure(
                    new OverloadedException(
                        "key '"
                            + key
                            + "' of "
                            + host.spiffeId()
                            + " has "
                            + queueCapacity
                            + " calls waiting",
                        java.time.Duration.ofSeconds(1)),
                    false));
      } else {
        waiting.addLast(request);
      }
      return this;
    }
    runFrom(request);
    return this;
  }

  private Behavior<Command> onFinished() {
    running = false;
    EntityMessage.Request next = waiting.pollFirst();
    if (next != null) {
      runFrom(next);
    }
    return this;
  }

  /** Runs calls while they complete at once; stops at the first that completes later. */
  private void runFrom(EntityMessage.Request first) {
    EntityMessage.Request current = first;
    while (current != null) {
      CompletionStage<byte[]> stage;
      try {
        stage = host.handle(state, current.call());
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      if (stage instanceof CompletableFuture<byte[]> cf && cf.isDone()) {
        current.replyTo().tell(reply(cf));
        current = waiting.pollFirst();
        continue;
      }
      running = true;
      ActorRef<EntityMessage.Reply> replyTo = current.replyTo();
      stage.whenComplete(
          (bytes, error) -> {
            replyTo.tell(error == null ? EntityMessage.Reply.ok(bytes) : failure(error, false));
            self.tell(new Finished());
          });
      return;
    }
  }

  private static EntityMessage.Reply reply(CompletableFuture<byte[]> done) {
    try {
      return EntityMessage.Reply.ok(done.join());
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return failure(e, false);
    }
  }

  static EntityMessage.Reply failure(Throwable error, boolean notRun) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof MeshException m) {
      long retry = m instanceof OverloadedException o ? o.retryAfter().toMillis() : 0;
      return new EntityMessage.Reply(
          null, m.code().wireName(), String.valueOf(m.getMessage()), retry, notRun);
    }
    LOG.warn("keyed call failed unexpectedly", t);
    return new EntityMessage.Reply(
        null, ErrorCode.INTERNAL.wireName(), "keyed call failed unexpectedly", 0, notRun);
  }

  private Behavior<Command> onStop() {
    live.decrementAndGet();
    for (EntityMessage.Request r : waiting) {
      r.replyTo()
          .tell(
              failure(
                  new dev.agentweave.mesh.UnavailableException(
                      "the entity of key '"
                          + key
                          + "' of "
                          + host.spiffeId()
                          + " stopped before the call ran"),
                  true));
    }
    waiting.clear();
    return this;
  }
}
