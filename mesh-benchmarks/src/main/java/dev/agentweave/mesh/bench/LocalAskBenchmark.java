package dev.agentweave.mesh.bench;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Raw Pekko typed {@code AskPattern.ask} to a trivial actor against {@code AgentRef.ask} to a
 * trivial capability with authorization (allow-list, outbound and inbound) and metrics on. Two
 * shapes: one call in flight (each round trip waits for the previous) and 64 in flight.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
      "-Xms1g",
      "-Xmx1g"
    })
@State(Scope.Benchmark)
public class LocalAskBenchmark {
  static final int BATCH = 64;

  /** The request of both sides. */
  public record Ping(int n) {}

  /** The raw actor's message. */
  record RawPing(int n, ActorRef<Ping> replyTo) {}

  private ActorSystem<RawPing> system;
  private MeshNode node;
  private AgentRef ref;
  private final Duration timeout = Duration.ofSeconds(5);

  @Setup(Level.Trial)
  public void setUp() {
    Behavior<RawPing> echo =
        Behaviors.receiveMessage(
            m -> {
              m.replyTo().tell(new Ping(m.n()));
              return Behaviors.same();
            });
    system = ActorSystem.create(echo, "raw-bench");
    MeshSettings settings =
        MeshSettings.parse(
            "bench",
            """
            agent: {name: echo, trust_domain: bench.local, environment: development}
            authorization:
              provider: allow-list
              allow:
                - caller: spiffe://bench.local/agent/client
                  callee: spiffe://bench.local/agent/echo
                  actions: [ping]
            transport:
              concurrency_limit: {max_in_flight: 1024, max_queued: 0}
            server: {enabled: false}
            """,
            Map.of());
    node =
        MeshNode.builder(settings)
            .agent(
                Agent.of("echo")
                    .withCapability(Capability.of("ping", Ping.class, Ping.class, (ctx, p) -> p)))
            .agent(Agent.of("client"))
            .start();
    ref = node.agent("client").ref("spiffe://bench.local/agent/echo");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    node.close();
    system.terminate();
  }

  private CompletionStage<Ping> rawAsk(int n) {
    return AskPattern.ask(system, replyTo -> new RawPing(n, replyTo), timeout, system.scheduler());
  }

  private CompletionStage<Ping> meshAsk(int n) {
    return ref.ask("ping", new Ping(n), Ping.class, timeout);
  }

  @Benchmark
  public Ping rawPekkoAsk_oneInFlight() {
    return rawAsk(1).toCompletableFuture().join();
  }

  @Benchmark
  public Ping agentRefAsk_oneInFlight() {
    return meshAsk(1).toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object rawPekkoAsk_64InFlight() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[BATCH];
    for (int i = 0; i < BATCH; i++) {
      all[i] = rawAsk(i).toCompletableFuture();
    }
    return CompletableFuture.allOf(all).join();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object agentRefAsk_64InFlight() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[BATCH];
    for (int i = 0; i < BATCH; i++) {
      all[i] = meshAsk(i).toCompletableFuture();
    }
    return CompletableFuture.allOf(all).join();
  }
}
