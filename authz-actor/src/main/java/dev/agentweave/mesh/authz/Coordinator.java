package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.authz.internal.AuthzMessage;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization coordinator, run as a cluster singleton: it holds the authoritative decision
 * cache, evaluates misses with the policy engine of the node it runs on, and publishes
 * invalidations to every node's near cache (ADR 0003).
 */
final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.authz.coordinator");

  /** The topic of near-cache invalidations. */
  public static final String TOPIC = "agentweave-authz-invalidations";

  /** How often the policy version in force is announced. */
  static final Duration ANNOUNCE_INTERVAL = CachingAuthorizer.POLICY_ANNOUNCE_INTERVAL;

  /** The coordinator's own timer message (never sent between nodes). */
  private enum Announce implements Command {
    INSTANCE
  }

  private Coordinator() {}

  /** Messages of the coordinator. */
  public interface Command extends AuthzMessage {}

  /**
   * Decide a question.
   *
   * @param caller the caller
   * @param callee the callee
   * @param action the action
   * @param replyTo where the decision goes
   */
  public record Decide(String caller, String callee, String action, ActorRef<Decided> replyTo)
      implements Command {}

  /**
   * A decision, or the failure to reach one.
   *
   * @param allowed the outcome
   * @param reason why
   * @param policyVersion the deciding policy
   * @param error a failure message, or null
   */
  public record Decided(boolean allowed, String reason, String policyVersion, String error)
      implements AuthzMessage {}

  /**
   * Drop the decisions of matching callers or callees everywhere.
   *
   * @param pattern the SPIFFE ID glob
   */
  public record Invalidate(String pattern) implements Command {}

  /**
   * Drop every decision everywhere.
   *
   * @param reason why, for logs
   */
  public record Clear(String reason) implements Command {}

  /** Published to near caches. */
  public interface Broadcast extends AuthzMessage {}

  /**
   * Near caches drop matching decisions.
   *
   * @param pattern the SPIFFE ID glob
   */
  public record NearInvalidate(String pattern) implements Broadcast {}

  /**
   * Near caches drop everything.
   *
   * @param policyVersion the version now in force
   */
  public record NearClear(String policyVersion) implements Broadcast {}

  /**
   * Announced by a coordinator when it starts and every {@link #ANNOUNCE_INTERVAL}: near caches
   * keep the decisions of this version and drop those of any other.
   *
   * @param policyVersion the version in force where the coordinator runs
   */
  public record PolicyInForce(String policyVersion) implements Broadcast {}

  /**
   * The coordinator's behavior.
   *
   * @param engine the policy engine of the hosting node
   * @param cache the authoritative cache
   * @return the behavior
   */
  public static Behavior<Command> create(PolicyEngine engine, DecisionCache cache) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Announce.INSTANCE, ANNOUNCE_INTERVAL);
          return running(engine, cache);
        });
  }

  private static Behavior<Command> running(PolicyEngine engine, DecisionCache cache) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Topic.Command<Broadcast>> topic =
              ctx.spawn(Topic.create(Broadcast.class, TOPIC), "topic");
          // Near caches keep serving while the singleton moves; once it runs again, they drop only
          // decisions of a policy version that is no longer in force (the policy may have changed
          // while no coordinator was there to broadcast it).
          topic.tell(Topic.publish(new PolicyInForce(engine.policyVersion())));
          LOG.info("authorization coordinator runs on {}", ctx.getSystem().address());
          return Behaviors.receive(Command.class)
              .onMessageEquals(
                  Announce.INSTANCE,
                  () -> {
                    topic.tell(Topic.publish(new PolicyInForce(engine.policyVersion())));
                    return Behaviors.same();
                  })
              .onMessage(
                  Decide.class,
                  d -> {
                    SpiffeId caller = SpiffeId.parse(d.caller());
                    SpiffeId callee = SpiffeId.parse(d.callee());
                    CompletableFuture<AuthzDecision> f =
                        cache.get(
                            new DecisionCache.Key(caller, callee, d.action()),
                            () ->
                                engine.evaluate(caller, callee, d.action()).toCompletableFuture());
                    f.whenComplete(
                        (decision, error) ->
                            d.replyTo()
                                .tell(
                                    error == null
                                        ? new Decided(
                                            decision.allowed(),
                                            decision.reason(),
                                            decision.policyVersion(),
                                            null)
                                        : new Decided(
                                            false,
                                            "",
                                            engine.policyVersion(),
                                            String.valueOf(error))));
                    return Behaviors.same();
                  })
              .onMessage(
                  Invalidate.class,
                  i -> {
                    cache.invalidate(SpiffeIdPattern.of(i.pattern()));
                    topic.tell(Topic.publish(new NearInvalidate(i.pattern())));
                    return Behaviors.same();
                  })
              .onMessage(
                  Clear.class,
                  c -> {
                    cache.clear();
                    LOG.info("decision caches cleared everywhere: {}", c.reason());
                    topic.tell(Topic.publish(new NearClear(engine.policyVersion())));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * A node's subscriber that applies broadcasts to its near cache.
   *
   * @param onInvalidate drops matching decisions
   * @param onClear drops everything
   * @param onPolicyInForce drops decisions of other policy versions
   * @return the behavior
   */
  public static Behavior<Broadcast> nearCache(
      Consumer<SpiffeIdPattern> onInvalidate, Runnable onClear, Consumer<String> onPolicyInForce) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Topic.Command<Broadcast>> topic =
              ctx.spawn(Topic.create(Broadcast.class, TOPIC), "topic");
          topic.tell(Topic.subscribe(ctx.getSelf()));
          return Behaviors.receive(Broadcast.class)
              .onMessage(
                  NearInvalidate.class,
                  n -> {
                    onInvalidate.accept(SpiffeIdPattern.of(n.pattern()));
                    return Behaviors.same();
                  })
              .onMessage(
                  NearClear.class,
                  n -> {
                    onClear.run();
                    return Behaviors.same();
                  })
              .onMessage(
                  PolicyInForce.class,
                  n -> {
                    onPolicyInForce.accept(n.policyVersion());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
