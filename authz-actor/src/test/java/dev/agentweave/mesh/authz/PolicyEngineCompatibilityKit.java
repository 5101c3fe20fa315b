package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every policy engine must do behind the decision cache. An engine's test extends this kit and
 * supplies the engine for each scenario in its own policy language.
 */
abstract class PolicyEngineCompatibilityKit {
  static final SpiffeId ORCHESTRATOR = SpiffeId.parse("spiffe://test.local/agent/orchestrator");
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://test.local/agent/search");
  static final SpiffeId MALLORY = SpiffeId.parse("spiffe://test.local/agent/mallory");
  static final SpiffeId PARTNER = SpiffeId.parse("spiffe://partner.example/agent/bot");

  /** The scenarios every engine expresses. */
  enum Scenario {
    /** No rule at all. */
    EMPTY,
    /**
     * Allow orchestrator to call search's "search"; allow any caller of the callee's own trust
     * domain to call "process" on any agent; forbid mallory everything.
     */
    STANDARD
  }

  /**
   * The engine under test for a scenario.
   *
   * @param scenario what the policy says
   * @return the engine
   */
  abstract PolicyEngine engine(Scenario scenario) throws Exception;

  static AuthzDecision decide(PolicyEngine e, SpiffeId caller, SpiffeId callee, String action)
      throws Exception {
    return e.evaluate(caller, callee, action).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static CachingAuthorizer caching(PolicyEngine engine, Duration timeout) {
    DecisionCache cache =
        new DecisionCache(
            1_000, Duration.ofMinutes(5), Duration.ofSeconds(30), ForkJoinPool.commonPool());
    return new CachingAuthorizer(
        engine,
        cache,
        null,
        timeout,
        TestMetrics.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  static AuthzDecision authorize(
      CachingAuthorizer a, SpiffeId caller, SpiffeId callee, String action) throws Exception {
    return a.authorize(new AuthzRequest(caller, callee, action, Direction.INBOUND))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void deniesByDefault() throws Exception {
    try (PolicyEngine e = engine(Scenario.EMPTY)) {
      AuthzDecision d = decide(e, ORCHESTRATOR, SEARCH, "search");
      assertThat(d.allowed()).isFalse();
      assertThat(d.reason()).isNotBlank();
      assertThat(d.policyVersion()).isEqualTo(e.policyVersion());
    }
  }

  @Test
  void allowRule_allowsExactlyWhatItNames() throws Exception {
    try (PolicyEngine e = engine(Scenario.STANDARD)) {
      assertThat(decide(e, ORCHESTRATOR, SEARCH, "search").allowed()).isTrue();
      assertThat(decide(e, ORCHESTRATOR, SEARCH, "delete").allowed()).isFalse();
      assertThat(decide(e, SEARCH, ORCHESTRATOR, "search").allowed()).isFalse();
      assertThat(decide(e, SEARCH, ORCHESTRATOR, "process").allowed()).isTrue();
      assertThat(decide(e, PARTNER, SEARCH, "process").allowed()).isFalse();
    }
  }

  @Test
  void denyOverridesAllow() throws Exception {
    try (PolicyEngine e = engine(Scenario.STANDARD)) {
      assertThat(decide(e, MALLORY, SEARCH, "process").allowed()).isFalse();
    }
  }

  @Test
  void invalidation_dropsTheDecisionsOfAnAgent() throws Exception {
    try (PolicyEngine e = engine(Scenario.STANDARD)) {
      CountingEngine counting = new CountingEngine(e);
      CachingAuthorizer a = caching(counting, Duration.ofSeconds(5));
      authorize(a, ORCHESTRATOR, SEARCH, "search");
      authorize(a, ORCHESTRATOR, SEARCH, "search");
      authorize(a, SEARCH, ORCHESTRATOR, "process");
      assertThat(counting.evaluations.get()).isEqualTo(2);
      assertThat(a.invalidate(SpiffeIdPattern.of(SEARCH.toString()))).isEqualTo(2);
      authorize(a, ORCHESTRATOR, SEARCH, "search");
      assertThat(counting.evaluations.get()).isEqualTo(3);
      assertThat(a.cache().stats().hits()).isEqualTo(1);
    }
  }

  @Test
  void timeoutMeansDeny() throws Exception {
    try (PolicyEngine e = engine(Scenario.STANDARD)) {
      PolicyEngine stuck = new StuckEngine(e);
      CachingAuthorizer a = caching(stuck, Duration.ofMillis(200));
      AuthzDecision d = authorize(a, ORCHESTRATOR, SEARCH, "search");
      assertThat(d.allowed()).isFalse();
      assertThat(d.reason())
          .contains("no decision from")
          .contains("within PT0.2S")
          .contains("fail closed");
    }
  }

  /** Counts evaluations. */
  static class CountingEngine implements PolicyEngine {
    final PolicyEngine delegate;
    final AtomicInteger evaluations = new AtomicInteger();

    CountingEngine(PolicyEngine delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<AuthzDecision> evaluate(
        SpiffeId caller, SpiffeId callee, String action) {
      evaluations.incrementAndGet();
      return delegate.evaluate(caller, callee, action);
    }

    @Override
    public String policyVersion() {
      return delegate.policyVersion();
    }

    @Override
    public void onPolicyChange(Runnable listener) {
      delegate.onPolicyChange(listener);
    }

    @Override
    public String name() {
      return delegate.name();
    }
  }

  /** Never answers. */
  static final class StuckEngine implements PolicyEngine {
    final PolicyEngine delegate;

    StuckEngine(PolicyEngine delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<AuthzDecision> evaluate(
        SpiffeId caller, SpiffeId callee, String action) {
      return new CompletableFuture<>();
    }

    @Override
    public String policyVersion() {
      return delegate.policyVersion();
    }

    @Override
    public void onPolicyChange(Runnable listener) {}

    @Override
    public String name() {
      return delegate.name();
    }
  }
}
