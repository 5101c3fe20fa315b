package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {
  static final SpiffeId A = SpiffeId.parse("spiffe://test.local/agent/a");
  static final SpiffeId B = SpiffeId.parse("spiffe://test.local/agent/b");
  static final SpiffeId C = SpiffeId.parse("spiffe://test.local/agent/c");

  private static void put(DecisionCache cache, SpiffeId caller, SpiffeId callee, String version)
      throws Exception {
    cache
        .get(
            new DecisionCache.Key(caller, callee, "act"),
            () -> CompletableFuture.completedFuture(AuthzDecision.allow("test", version)))
        .get();
  }

  @Test
  void retainPolicyVersion_dropsOnlyTheDecisionsOfOtherVersions() throws Exception {
    DecisionCache cache =
        new DecisionCache(100, Duration.ofMinutes(5), Duration.ofMinutes(1), Runnable::run);
    put(cache, A, B, "cedar:1");
    put(cache, A, C, "cedar:2");
    put(cache, B, C, "cedar:2");

    assertThat(cache.retainPolicyVersion("cedar:2")).isEqualTo(1);

    assertThat(cache.stats().size()).isEqualTo(2);
    long misses = cache.stats().misses();
    put(cache, A, C, "ignored");
    put(cache, B, C, "ignored");
    assertThat(cache.stats().misses()).isEqualTo(misses);
    put(cache, A, B, "cedar:2");
    assertThat(cache.stats().misses()).isEqualTo(misses + 1);
  }
}
