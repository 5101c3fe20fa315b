package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The node's decision cache (Caffeine, W-TinyLFU eviction): answers repeated questions without the
 * policy engine. The key is (caller SPIFFE ID, callee SPIFFE ID, action) and nothing else: payload
 * contents never enter it, so one entry serves every call of that kind. Allows live for {@code
 * ttl}, denials for the shorter {@code denyTtl}. Concurrent identical misses share one evaluation.
 * {@link #invalidate(SpiffeIdPattern)} drops the decisions of matching callers or callees, {@link
 * #clear()} drops everything (policy changes call it). Thread-safe.
 */
public final class DecisionCache {
  /**
   * A cache key.
   *
   * @param caller the calling agent
   * @param callee the called agent
   * @param action the capability
   */
  public record Key(SpiffeId caller, SpiffeId callee, String action) {}

  /**
   * What the cache holds: a decision, or the failure of an evaluation. A failure completes the
   * cached future normally (so that Caffeine does not log an expected failure, such as an
   * unreachable policy engine, as an "exception thrown during asynchronous load"), shares it with
   * every concurrent caller, and expires at once.
   */
  private record Outcome(AuthzDecision decision, CompletableFuture<AuthzDecision> future) {
    static Outcome of(AuthzDecision decision, Throwable error) {
      if (error != null || decision == null) {
        Throwable cause =
            error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause()
                : error;
        return new Outcome(
            null,
            CompletableFuture.failedFuture(
                cause != null ? cause : new IllegalStateException("no decision")));
      }
      return new Outcome(decision, CompletableFuture.completedFuture(decision));
    }
  }

  private final AsyncCache<Key, Outcome> cache;

  /**
   * Creates a cache.
   *
   * @param maxSize maximum entries
   * @param ttl lifetime of an allow
   * @param denyTtl lifetime of a deny
   * @param executor runs Caffeine's maintenance
   */
  public DecisionCache(long maxSize, Duration ttl, Duration denyTtl, Executor executor) {
    requireNonNull(ttl, "ttl");
    requireNonNull(denyTtl, "denyTtl");
    long allowNanos = ttl.toNanos();
    long denyNanos = denyTtl.toNanos();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxSize)
            .executor(executor)
            .recordStats()
            .expireAfter(
                new Expiry<Key, Outcome>() {
                  @Override
                  public long expireAfterCreate(Key key, Outcome value, long currentTime) {
                    if (value.decision() == null) {
                      return 0; // a failure is never cached
                    }
                    return value.decision().allowed() ? allowNanos : denyNanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      Key key, Outcome value, long currentTime, long currentDuration) {
                    if (value.decision() == null) {
                      return 0;
                    }
                    return value.decision().allowed() ? allowNanos : denyNanos;
                  }

                  @Override
                  public long expireAfterRead(
                      Key key, Outcome value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .buildAsync();
  }

  /**
   * The cached decision, or the result of {@code evaluate} shared by every concurrent caller asking
   * the same question. A failed evaluation is not cached.
   *
   * @param key the question
   * @param evaluate starts the evaluation on a miss
   * @return the decision's future (already complete on a hit)
   */
  public CompletableFuture<AuthzDecision> get(
      Key key, Supplier<CompletableFuture<AuthzDecision>> evaluate) {
    CompletableFuture<Outcome> f =
        cache.get(
            key,
            (k, e) -> {
              CompletableFuture<AuthzDecision> evaluation;
              try {
                evaluation = evaluate.get();
              } catch (RuntimeException failure) {
                evaluation = CompletableFuture.failedFuture(failure);
              }
              return evaluation.handle(Outcome::of);
            });
    Outcome done = f.getNow(null);
    if (done != null) {
      return done.future();
    }
    return f.thenCompose(Outcome::future);
  }

  /**
   * Drops every decision whose caller or callee matches the pattern, for example after an agent's
   * permissions changed: {@code
   * invalidate(SpiffeIdPattern.of("spiffe://example.org/agent/search"))}.
   *
   * @param pattern the agents whose decisions to drop
   * @return how many entries were dropped
   */
  public int invalidate(SpiffeIdPattern pattern) {
    requireNonNull(pattern, "pattern");
    int[] removed = {0};
    cache
        .synchronous()
        .asMap()
        .keySet()
        .removeIf(
            k -> {
              boolean match = pattern.matches(k.caller()) || pattern.matches(k.callee());
              if (match) {
                removed[0]++;
              }
              return match;
            });
    return removed[0];
  }

  /**
   * Drops every decision made under a policy version other than the given one, for example when a
   * node learns which version is in force after the authorization coordinator moved.
   *
   * @param policyVersion the version in force
   * @return how many entries were dropped
   */
  public int retainPolicyVersion(String policyVersion) {
    requireNonNull(policyVersion, "policyVersion");
    int[] removed = {0};
    cache
        .synchronous()
        .asMap()
        .values()
        .removeIf(
            o -> {
              boolean stale =
                  o.decision() == null || !policyVersion.equals(o.decision().policyVersion());
              if (stale) {
                removed[0]++;
              }
              return stale;
            });
    return removed[0];
  }

  /** Drops every decision. */
  public void clear() {
    cache.synchronous().invalidateAll();
  }

  /** Statistics since creation. */
  public CacheStats stats() {
    com.github.benmanes.caffeine.cache.stats.CacheStats s = cache.synchronous().stats();
    return new CacheStats(
        s.hitCount(), s.missCount(), s.evictionCount(), cache.synchronous().estimatedSize());
  }
}
