package dev.agentweave.mesh.authz;

/**
 * Decision cache statistics since the node started.
 *
 * @param hits lookups answered from the cache
 * @param misses lookups that needed the policy engine
 * @param evictions entries removed for size or expiry
 * @param size entries now cached
 */
public record CacheStats(long hits, long misses, long evictions, long size) {
  /**
   * Hits over lookups, or 0 before the first lookup.
   *
   * @return the hit ratio in [0, 1]
   */
  public double hitRatio() {
    long total = hits + misses;
    return total == 0 ? 0.0 : (double) hits / total;
  }
}
