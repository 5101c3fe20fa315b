package dev.agentweave.mesh.bench;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.authz.AuditLog;
import dev.agentweave.mesh.authz.CachingAuthorizer;
import dev.agentweave.mesh.authz.CedarPolicyEngine;
import dev.agentweave.mesh.authz.DecisionCache;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authorization path: a decision-cache hit (with and without the audit log) and a Cedar
 * evaluation against a 50-policy set (a cache miss), as latency distributions (p50, p99).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
      "-Xms1g",
      "-Xmx1g"
    })
@State(Scope.Benchmark)
public class AuthzBenchmark {
  static final SpiffeId CALLER = SpiffeId.parse("spiffe://bench.local/agent/a49");
  static final SpiffeId CALLEE = SpiffeId.parse("spiffe://bench.local/agent/svc");

  private Path dir;
  private CedarPolicyEngine cedar;
  private CachingAuthorizer cached;
  private MeshNode metricsNode;
  private final AuthzRequest request = new AuthzRequest(CALLER, CALLEE, "act49", Direction.INBOUND);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("agentweave-authz-bench");
    StringBuilder policies = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      policies
          .append("permit(principal == Agent::\"spiffe://bench.local/agent/a")
          .append(i)
          .append("\", action == Action::\"act")
          .append(i)
          .append("\", resource == Agent::\"spiffe://bench.local/agent/svc\")")
          .append(" when { context.caller_trust_domain == context.callee_trust_domain };\n");
    }
    Files.writeString(dir.resolve("p.cedar"), policies);
    cedar = new CedarPolicyEngine(dir.resolve("p.cedar"), null, Duration.ofMinutes(10));
    metricsNode =
        MeshNode.builder(
                MeshSettings.parse(
                    "bench",
                    "agent: {name: m, trust_domain: bench.local, environment: development}\n"
                        + "server: {enabled: false}\n",
                    Map.of()))
            .agent(Agent.of("m"))
            .start();
    Metrics metrics = metricsNode.metrics();
    cached =
        new CachingAuthorizer(
            cedar,
            new DecisionCache(
                10_000, Duration.ofMinutes(5), Duration.ofSeconds(30), ForkJoinPool.commonPool()),
            null,
            Duration.ofSeconds(2),
            metrics);
    if (!cached.authorize(request).toCompletableFuture().get().allowed()
        || !cedar.evaluate(CALLER, CALLEE, "act49").toCompletableFuture().get().allowed()) {
      throw new IllegalStateException("the benchmark policy does not allow the benchmark question");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cedar.close();
    metricsNode.close();
  }

  @Benchmark
  public AuthzDecision nearCacheHit() {
    return cached.authorize(request).toCompletableFuture().getNow(null);
  }

  /** The audited authorizer lives in its own state so its writer runs only in its benchmark. */
  @State(Scope.Benchmark)
  public static class Audited {
    CachingAuthorizer authorizer;
    AuditLog audit;
    CedarPolicyEngine cedar;
    MeshNode metricsNode;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      AuthzBenchmark base = new AuthzBenchmark();
      base.setUp();
      cedar = base.cedar;
      metricsNode = base.metricsNode;
      audit = AuditLog.open("file://" + base.dir.resolve("audit.log"), metricsNode.metrics());
      authorizer =
          new CachingAuthorizer(
              cedar,
              new DecisionCache(
                  10_000, Duration.ofMinutes(5), Duration.ofSeconds(30), ForkJoinPool.commonPool()),
              audit,
              Duration.ofSeconds(2),
              metricsNode.metrics());
      authorizer.authorize(base.request).toCompletableFuture().get();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      System.out.println(
          "audit records written " + audit.written() + ", dropped " + audit.dropped());
      audit.close();
      cedar.close();
      metricsNode.close();
    }
  }

  @Benchmark
  public AuthzDecision nearCacheHit_audited(Audited state) {
    return state.authorizer.authorize(request).toCompletableFuture().getNow(null);
  }

  @Benchmark
  public AuthzDecision cedarMiss_50Policies() throws Exception {
    return cedar.evaluate(CALLER, CALLEE, "act49").toCompletableFuture().get();
  }
}
