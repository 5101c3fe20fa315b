package dev.agentweave.samples.cache;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.authz.CacheStats;
import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.node.MeshNode;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The performance guide's cache section in Java: logging the decision cache's hit ratio,
 * invalidating an agent's decisions when its permissions change, and clearing the cache on a policy
 * update. Each method takes the node, whose authorizer must be a {@link CachingAuthorizer}
 * (providers such as {@code cedar}).
 */
public final class DecisionCacheSamples {
  private DecisionCacheSamples() {}

  /**
   * Reports the hit ratio, the guide's "Authorization cache hit ratio: 97.50%". Schedule it, for
   * example every 10 seconds, or call it every 100 requests as the guide does.
   *
   * @param node the node
   * @param log where the line goes (a logger's {@code info}, for instance)
   * @return the statistics reported
   */
  public static CacheStats logHitRatio(MeshNode node, Consumer<String> log) {
    CachingAuthorizer authz = cachingAuthorizer(node);
    CacheStats s = authz.cache().stats();
    log.accept(
        String.format(
            Locale.ROOT,
            "Authorization cache hit ratio: %.2f%% (hits %d, misses %d, evictions %d, size %d)",
            s.hitRatio() * 100,
            s.hits(),
            s.misses(),
            s.evictions(),
            s.size()));
    return s;
  }

  /**
   * Drops every cached decision in which an agent is the caller or the callee, when its permissions
   * changed: its next calls are decided by the policy again.
   *
   * @param node the node
   * @param agent the agent whose permissions changed
   * @return how many decisions were dropped
   */
  public static int invalidateAgent(MeshNode node, SpiffeId agent) {
    return cachingAuthorizer(node).invalidate(SpiffeIdPattern.of(agent.toString()));
  }

  /**
   * Clears every cached decision after a policy update. (Policy engines that watch their files,
   * such as Cedar, clear the cache by themselves when the version changes; call this when the
   * policy changed somewhere the engine cannot see, such as an entity store.)
   *
   * @param node the node
   * @param policyVersion the version now in force, for the log
   * @param log where the line goes
   */
  public static void onPolicyUpdate(MeshNode node, String policyVersion, Consumer<String> log) {
    cachingAuthorizer(node).cache().clear();
    log.accept("Cleared authorization cache due to policy update to " + policyVersion);
  }

  private static CachingAuthorizer cachingAuthorizer(MeshNode node) {
    return node.authorizer(CachingAuthorizer.class)
        .filter(a -> a.cache() != null)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the node's authorizer has no decision cache (expected: a provider such as cedar"
                        + " with authorization.cache.enabled: true)"));
  }
}
