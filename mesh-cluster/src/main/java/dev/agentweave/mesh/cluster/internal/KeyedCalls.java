package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.spi.EntityCall;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed calls a node has sent to entities and not yet had answered: one actor per node, the
 * reply address of every call it sends.
 *
 * <p>Cluster Sharding delivers at most once, so a call without an answer after {@code resendAfter}
 * is sent again with the same call ID, and again each {@code resendAfter} until its deadline. The
 * entity that has the call answers a repeat "pending" (the call is confirmed); one that never got
 * it runs it, unless the call was confirmed before and its capability is not idempotent: then the
 * entity that had it was lost mid-call (its node left, its shard moved while it ran), and the call
 * fails as unavailable rather than run twice. A call answered "not run" (its entity stopped while
 * it waited) is sent again at once, at most {@value #MAX_NOT_RUN} times.
 */
public final class KeyedCalls extends AbstractBehavior<KeyedCalls.Command> {
  /** How many times a call answered "not run" is sent again. */
  public static final int MAX_NOT_RUN = 3;

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.entities");

  /** Messages of the actor. */
  public interface Command {}

  /**
   * Sends a call to its entity.
   *
   * @param entity the entity of the call's key
   * @param call the call
   * @param out completed with the answer, or failed
   */
  public record Send(
      RecipientRef<KeyedEntity.Command> entity, EntityCall call, CompletableFuture<byte[]> out)
      implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private static final class Call {
    final Send send;
    final String id;
    final long deadline;
    long nextAsk;
    boolean confirmed;
    int notRun;
    int sends;

    Call(Send send, String id, long deadline) {
      this.send = send;
      this.id = id;
      this.deadline = deadline;
    }
  }

  private final long resendAfterNanos;
  private final BiConsumer<SpiffeId, String> onResend;
  private final Executor completions;
  private final Map<String, Call> calls = new HashMap<>();

  /**
   * The behavior.
   *
   * @param resendAfter how long a call may go unanswered before it is sent again
   * @param onResend told the agent and the reason ({@code no_answer} or {@code not_run}) of every
   *     call sent again, for the {@code keyed.resends} counter
   * @return the behavior
   */
  public static Behavior<Command> create(
      Duration resendAfter, BiConsumer<SpiffeId, String> onResend) {
    Duration tick = Duration.ofMillis(Math.max(20, Math.min(250, resendAfter.toMillis() / 4)));
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
                  return new KeyedCalls(ctx, resendAfter, onResend);
                }));
  }

  private KeyedCalls(
      ActorContext<Command> ctx, Duration resendAfter, BiConsumer<SpiffeId, String> onResend) {
    super(ctx);
    this.resendAfterNanos = resendAfter.toNanos();
    this.onResend = onResend;
    this.completions = ctx.getExecutionContext();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Send.class, this::onSend)
        .onMessage(EntityMessage.Reply.class, this::onReply)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onSend(Send s) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String id = new UUID(r.nextLong(), r.nextLong()).toString();
    Call c = new Call(s, id, System.nanoTime() + s.call().timeout().toNanos());
    calls.put(id, c);
    send(c, true);
    return this;
  }

  private void send(Call c, boolean runIfUnknown) {
    long now = System.nanoTime();
    EntityCall sent = c.send.call().withTimeout(Duration.ofNanos(Math.max(1, c.deadline - now)));
    c.sends++;
    c.nextAsk = now + resendAfterNanos;
    c.send
        .entity()
        .tell(new EntityMessage.Request(sent, c.id, runIfUnknown, getContext().getSelf()));
  }

  private Behavior<Command> onReply(EntityMessage.Reply reply) {
    Call c = calls.get(reply.callId());
    if (c == null) {
      return this; // a repeat's answer to a call already answered or given up
    }
    switch (reply.outcome()) {
      case OK -> finish(c, reply.body(), null);
      case FAILED -> finish(c, null, toException(reply));
      case PENDING -> c.confirmed = true;
      case NOT_RUN -> {
        if (c.notRun < MAX_NOT_RUN && System.nanoTime() < c.deadline) {
          c.notRun++;
          c.confirmed = false;
          onResend.accept(c.send.call().agent(), "not_run");
          send(c, true);
        } else {
          finish(c, null, toException(reply));
        }
      }
      case UNKNOWN ->
          finish(
              c,
              null,
              new UnavailableException(
                  describe(c.send.call())
                      + " was lost with its entity while it ran (the entity's node left the"
                      + " cluster or its shard moved); it may have run, and is not sent again"
                      + " because '"
                      + c.send.call().action()
                      + "' is not idempotent"));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    if (calls.isEmpty()) {
      return this;
    }
    long now = System.nanoTime();
    Iterator<Call> it = calls.values().iterator();
    while (it.hasNext()) {
      Call c = it.next();
      if (now - c.deadline >= 0) {
        it.remove();
        complete(c, null, noAnswer(c));
      } else if (now - c.nextAsk >= 0) {
        boolean runIfUnknown = !c.confirmed || c.send.call().idempotent();
        LOG.debug(
            "{} has no answer after {} sends; sending it again (confirmed: {})",
            describe(c.send.call()),
            c.sends,
            c.confirmed);
        onResend.accept(c.send.call().agent(), "no_answer");
        send(c, runIfUnknown);
      }
    }
    return this;
  }

  private Behavior<Command> onStop() {
    for (Call c : calls.values()) {
      complete(
          c, null, new UnavailableException(describe(c.send.call()) + ": this node is stopping"));
    }
    calls.clear();
    return this;
  }

  private void finish(Call c, byte[] body, MeshException error) {
    calls.remove(c.id);
    complete(c, body, error);
  }

  private void complete(Call c, byte[] body, MeshException error) {
    CompletableFuture<byte[]> out = c.send.out();
    // Off this actor: what the caller does with the answer must not hold up other calls.
    completions.execute(
        () -> {
          if (error == null) {
            out.complete(body);
          } else {
            out.completeExceptionally(error);
          }
        });
  }

  private static String describe(EntityCall call) {
    return "keyed call '"
        + call.action()
        + "' of "
        + call.agent()
        + " for key '"
        + call.key()
        + "'";
  }

  private static MeshException noAnswer(Call c) {
    EntityCall call = c.send.call();
    return new DeadlineExceededException(
        describe(call)
            + " got no answer within "
            + call.timeout()
            + (c.confirmed
                ? " (its entity had it, waiting or running)"
                : " (no entity confirmed it after "
                    + c.sends
                    + " sends; the key's shard may be moving or its node lost)"));
  }

  static MeshException toException(EntityMessage.Reply reply) {
    ErrorCode code = ErrorCode.ofWireName(reply.errorCode()).orElse(ErrorCode.INTERNAL);
    return MeshException.of(
        code,
        reply.message() == null ? "keyed call failed" : reply.message(),
        Duration.ofMillis(Math.max(0, reply.retryAfterMillis())));
  }
}
