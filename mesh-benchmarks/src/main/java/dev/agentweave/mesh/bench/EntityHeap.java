package dev.agentweave.mesh.bench;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.KeyedCapability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap held by idle keyed entities (issue 13's bar: 100,000 of them in at most 500 MiB): a one-node
 * cluster (real Cluster Sharding over SPIFFE TLS remoting, built by the testkit) hosts a keyed
 * agent whose state is one counter; the heap in use after a full collection is read before any
 * entity exists and after {@code COUNT} keys have each been called once, and the difference is
 * divided by the count. Passivation is set far beyond the run, so every entity stays alive.
 *
 * <p>Run it with {@code java -Xmx2g -cp mesh-benchmarks/target/benchmarks.jar
 * dev.agentweave.mesh.bench.EntityHeap [COUNT [--hold]]} (default 100,000). With {@code --hold} it
 * waits for a line on standard input before it stops, so that {@code jcmd PID GC.class_histogram}
 * can show what the entities are made of.
 */
public final class EntityHeap {
  private static final SpiffeId COUNTERS = SpiffeId.parse("spiffe://test.local/agent/counters");

  private EntityHeap() {}

  /** The request: which counter, by how much. */
  record Add(String counterId, long amount) {}

  /** The answer: the counter's total. */
  record Total(String counterId, long total) {}

  /** One counter's state. */
  static final class Counter {
    long total;
  }

  /**
   * Measures.
   *
   * @param args optionally the number of entities, then optionally {@code --hold}
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    KeyedAgent<Counter> counters =
        KeyedAgent.of("counters", key -> new Counter())
            .withCapability(
                KeyedCapability.of(
                    "add",
                    Add.class,
                    Total.class,
                    Add::counterId,
                    (ctx, counter, add) -> {
                      counter.total += add.amount();
                      return new Total(add.counterId(), counter.total);
                    }))
            .withPassivation(Duration.ofHours(10));
    try (TestMesh mesh =
        TestMesh.builder()
            .cluster()
            .node(
                "heap",
                n ->
                    n.keyedAgent(counters)
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "spiffe://test.local/agent/*",
                                   callee: "spiffe://test.local/agent/*", actions: ["*"]}
                            """))
            .start()) {
      mesh.awaitMembers(1);
      MeshNode node = mesh.node("heap").node();
      AgentRef ref = node.agent(node.settings().agent().name()).ref(COUNTERS);
      // one key first, so that the shard region, the coordinator and the code paths exist
      ref.ask("add", new Add("warm", 1), Total.class)
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      long before = usedAfterGc();
      long started = System.nanoTime();
      Semaphore inFlight = new Semaphore(256);
      AtomicLong failed = new AtomicLong();
      CompletableFuture<?>[] calls = new CompletableFuture<?>[count];
      for (int i = 0; i < count; i++) {
        inFlight.acquire();
        calls[i] =
            ref.ask("add", new Add("k" + i, 1), Total.class)
                .toCompletableFuture()
                .whenComplete(
                    (t, e) -> {
                      if (e != null) {
                        failed.incrementAndGet();
                      }
                      inFlight.release();
                    });
      }
      CompletableFuture.allOf(calls).exceptionally(e -> null).get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - started) / 1e9;
      long after = usedAfterGc();
      // the entities are still there: a second call of the first key sees its total of 2
      long total =
          ref.ask("add", new Add("k0", 1), Total.class).toCompletableFuture().get().total();
      long delta = after - before;
      System.out.printf(
          "entities %d (failed calls %d) activated in %.1f s; heap in use after GC: %.1f MiB"
              + " before, %.1f MiB after: %.1f MiB for the entities, %d bytes each; k0 total %d%n",
          count,
          failed.get(),
          seconds,
          before / 1048576.0,
          after / 1048576.0,
          delta / 1048576.0,
          delta / count,
          total);
      if (args.length > 1 && args[1].equals("--hold")) {
        System.out.printf("holding: pid %d; press Enter to stop%n", ProcessHandle.current().pid());
        System.in.read();
      }
    }
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // a few full collections, until the figure stops falling
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
