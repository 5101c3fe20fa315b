package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Authorizer} that asks a {@link PolicyEngine} through the node's {@link DecisionCache}:
 * hits never leave the node and answer on the calling thread; concurrent identical misses cause one
 * evaluation; a miss not decided within the decision timeout is denied with a reason that says so
 * (fail closed) and not cached; a policy change clears the cache. Every decision, hit or miss, is
 * audited. Meters: {@code authz.cache.hits}, {@code authz.cache.misses}, {@code
 * authz.cache.evictions}, {@code authz.cache.size}, {@code authz.cache.hit_ratio}. Thread-safe.
 */
public final class CachingAuthorizer implements Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.authz");

  /**
   * In a cluster, how often the coordinator announces the policy version in force, so that a near
   * cache that missed a broadcast (a node that just joined can miss one) drops the decisions of
   * another version within this time.
   */
  public static final Duration POLICY_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);

  private final PolicyEngine localEngine;
  private volatile PolicyEngine engine;
  private volatile ActorRef<Coordinator.Command> coordinator;
  private final DecisionCache cache;
  private final AuditLog audit;
  private final long timeoutNanos;

  /**
   * Creates the authorizer.
   *
   * @param engine the policy engine
   * @param cache the decision cache, or {@code null} to evaluate every question
   * @param audit the audit log, or {@code null} for none (development only)
   * @param decisionTimeout how long a miss may take
   * @param metrics the node's metrics
   */
  public CachingAuthorizer(
      PolicyEngine engine,
      DecisionCache cache,
      AuditLog audit,
      Duration decisionTimeout,
      Metrics metrics) {
    this.engine = requireNonNull(engine, "engine");
    this.localEngine = engine;
    this.cache = cache;
    this.audit = audit;
    this.timeoutNanos = decisionTimeout.toNanos();
    engine.onPolicyChange(
        () -> {
          if (cache != null) {
            cache.clear();
          }
          LOG.info(
              "policy of {} changed to version {}; decision cache cleared",
              engine.name(),
              engine.policyVersion());
        });
    if (cache != null) {
      metrics.gauge(
          "authz.cache.hits",
          "Authorization decisions answered by the cache",
          () -> cache.stats().hits());
      metrics.gauge(
          "authz.cache.misses",
          "Authorization decisions that needed the policy engine",
          () -> cache.stats().misses());
      metrics.gauge(
          "authz.cache.evictions",
          "Decisions evicted for size or expiry",
          () -> cache.stats().evictions());
      metrics.gauge("authz.cache.size", "Decisions cached", () -> cache.stats().size());
      metrics.gauge(
          "authz.cache.hit_ratio", "Hits over lookups since start", () -> cache.stats().hitRatio());
    }
  }

  /** The decision cache, if enabled. */
  public DecisionCache cache() {
    return cache;
  }

  /**
   * The engine that decides this node's cache misses: the node's own engine, or, once the node
   * {@linkplain #coordinate coordinates} with a cluster, its view of the coordinator.
   */
  public PolicyEngine engine() {
    return engine;
  }

  /**
   * This node's own policy engine; in a cluster, the coordinator uses it while it runs on this
   * node.
   */
  public PolicyEngine localEngine() {
    return localEngine;
  }

  /**
   * Drops the cached decisions of matching callers or callees: here at once, and, when the node is
   * a cluster member, in the authoritative cache and every node's near cache through the
   * coordinator.
   *
   * @param pattern the agents
   * @return entries dropped from this node's cache
   */
  public int invalidate(SpiffeIdPattern pattern) {
    // Local first, then the broadcast: on a one-node cluster the broadcast comes back to this
    // node's near cache and could otherwise drop the entries before they are counted here.
    int dropped = cache == null ? 0 : cache.invalidate(pattern);
    var c = coordinator;
    if (c != null) {
      c.tell(new Coordinator.Invalidate(pattern.toString()));
    }
    return dropped;
  }

  /**
   * Drops every cached decision: here at once and, in a cluster, everywhere.
   *
   * @param reason why, for logs
   */
  public void clear(String reason) {
    if (cache != null) {
      cache.clear();
    }
    var c = coordinator;
    if (c != null) {
      c.tell(new Coordinator.Clear(reason));
    }
  }

  /**
   * Joins the cluster's authorization coordination (ADR 0003): near-cache misses are decided by the
   * cluster-singleton coordinator, and invalidations are broadcast to every node. Called by the
   * node when it is a cluster member.
   *
   * @param system the node's actor system (cluster provider)
   * @param authoritative the cache the coordinator uses while it runs on this node
   */
  void coordinate(ActorSystem<?> system, DecisionCache authoritative) {
    var proxy =
        ClusterSingleton.get(system)
            .init(
                SingletonActor.of(
                    Coordinator.create(localEngine, authoritative),
                    "agentweave-authz-coordinator"));
    system.systemActorOf(
        Coordinator.nearCache(
            p -> {
              if (cache != null) {
                cache.invalidate(p);
              }
            },
            () -> {
              if (cache != null) {
                cache.clear();
              }
            },
            version -> {
              if (cache != null) {
                cache.retainPolicyVersion(version);
              }
            }),
        "agentweave-authz-near-cache",
        Props.empty());
    // A policy change on any node clears every cache: the coordinator may run where the change
    // has not arrived yet, and it clears again once it does.
    localEngine.onPolicyChange(
        () ->
            proxy.tell(
                new Coordinator.Clear(
                    "policy of "
                        + system.address()
                        + " changed to version "
                        + localEngine.policyVersion())));
    this.coordinator = proxy;
    this.engine =
        new SingletonPolicyEngine(proxy, system, localEngine, Duration.ofNanos(timeoutNanos));
  }

  @Override
  public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
    long start = System.nanoTime();
    if (cache == null) {
      CompletableFuture<AuthzDecision> out = new CompletableFuture<>();
      evaluate(request)
          .whenComplete(
              (d, e) -> {
                if (e != null || d == null) {
                  // audited as the denial it becomes; the node fails closed on the error
                  audit(request, timedOutOrFailed(e), false, start);
                  out.completeExceptionally(
                      e != null
                          ? e
                          : new IllegalStateException(engine.name() + " gave no decision"));
                } else {
                  out.complete(audit(request, d, false, start));
                }
              });
      return out;
    }
    DecisionCache.Key key =
        new DecisionCache.Key(request.caller(), request.callee(), request.action());
    boolean[] evaluated = {false};
    CompletableFuture<AuthzDecision> f =
        cache.get(
            key,
            () -> {
              evaluated[0] = true;
              return evaluate(request);
            });
    if (f.isDone() && !f.isCompletedExceptionally()) {
      AuthzDecision d = f.getNow(null);
      AuthzDecision audited = audit(request, d, !evaluated[0], start);
      return audited == d ? f : CompletableFuture.completedFuture(audited);
    }
    boolean hit = !evaluated[0];
    return f.copy()
        .completeOnTimeout(null, timeoutNanos, TimeUnit.NANOSECONDS)
        .handle(
            (d, e) -> {
              AuthzDecision decided = d != null && e == null ? d : timedOutOrFailed(e);
              return audit(request, decided, hit, start);
            });
  }

  private CompletableFuture<AuthzDecision> evaluate(AuthzRequest r) {
    try {
      return engine
          .evaluate(r.caller(), r.callee(), r.action())
          .toCompletableFuture()
          .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private AuthzDecision timedOutOrFailed(Throwable e) {
    Throwable root = e;
    while (root != null && root.getCause() != null && root != root.getCause()) {
      root = root.getCause();
    }
    if (e == null || root instanceof java.util.concurrent.TimeoutException) {
      return AuthzDecision.deny(
          "no decision from "
              + engine.name()
              + " within "
              + Duration.ofNanos(timeoutNanos)
              + "; denied (fail closed)",
          engine.policyVersion());
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return AuthzDecision.deny(
        engine.name() + " failed (" + cause.getClass().getSimpleName() + "); denied (fail closed)",
        engine.policyVersion());
  }

  /**
   * Writes the decision's audit record; a denial is returned under the record's id (an allow as it
   * is, without an allocation on the hot path).
   */
  private AuthzDecision audit(AuthzRequest r, AuthzDecision decided, boolean hit, long start) {
    if (audit == null) {
      return decided;
    }
    long high = ThreadLocalRandom.current().nextLong();
    long low = ThreadLocalRandom.current().nextLong();
    audit.record(
        new AuditLog.Record(
            System.currentTimeMillis(),
            high,
            low,
            r.direction() == Direction.INBOUND ? "inbound" : "outbound",
            r.caller(),
            r.callee(),
            r.action(),
            decided.allowed(),
            decided.reason(),
            decided.policyVersion(),
            hit,
            System.nanoTime() - start));
    return decided.allowed()
        ? decided
        : decided.withDecisionId(AuthzDecision.decisionId(high, low));
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public void close() {
    localEngine.close();
    if (audit != null) {
      audit.close();
    }
  }
}
