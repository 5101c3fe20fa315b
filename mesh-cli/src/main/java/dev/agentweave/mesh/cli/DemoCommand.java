package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentHandle;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.samples.BatchAgent;
import dev.agentweave.samples.FileProcessorAgent;
import dev.agentweave.samples.IndexerAgent;
import dev.agentweave.samples.OrchestratorAgent;
import dev.agentweave.samples.SampleAgents;
import dev.agentweave.samples.SearchAgent;
import dev.agentweave.samples.StorageAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentweave demo}: starts a node hosting the sample agents on the embedded configuration,
 * drives a few hundred calls through them, prints a table and a metrics excerpt, and exits 0 when
 * every call ended as expected.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the sample agents on one node and drive calls through them.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  static final String CLIENT = "demo-client";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Use this config instead of the embedded one.")
  Path config;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Calls in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One planned call. */
  record Call(String agent, String action, Object request, boolean mayBeRejected) {
    String label() {
      return agent + "." + action;
    }
  }

  /** Results of one target. */
  static final class Row {
    final Recorder latency = new Recorder(3);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final Histogram total = new Histogram(3);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path files = Files.createTempDirectory("agentweave-demo");
    try {
      MeshSettings settings;
      try {
        settings = config == null ? embedded(files) : MeshSettings.load(config);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return 2;
      }
      return run(settings, files, out);
    } finally {
      try (Stream<Path> s = Files.walk(files)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The embedded demo configuration, with its Cedar policy written into {@code dir}.
   *
   * @param dir a directory for the policy file and the audit log
   * @return the settings
   * @throws IOException if the resources cannot be read or written
   */
  static MeshSettings embedded(Path dir) throws IOException {
    try (InputStream yaml = DemoCommand.class.getResourceAsStream("demo.yaml");
        InputStream policy = DemoCommand.class.getResourceAsStream("demo-policy.cedar")) {
      Files.write(dir.resolve("demo-policy.cedar"), policy.readAllBytes());
      String text =
          new String(yaml.readAllBytes(), StandardCharsets.UTF_8)
              .replace("${DEMO_DIR}", dir.toAbsolutePath().toString());
      return MeshSettings.parse("demo.yaml (embedded)", text, Map.of());
    }
  }

  private int run(MeshSettings settings, Path files, PrintWriter out) throws Exception {
    for (int i = 0; i < 10; i++) {
      StringBuilder text = new StringBuilder();
      for (int line = 0; line <= i * 10; line++) {
        text.append("line ").append(line).append(" of demo file ").append(i).append('\n');
      }
      Files.writeString(files.resolve("file-" + i + ".txt"), text);
    }
    List<Agent> agents = new ArrayList<>(SampleAgents.all(files));
    agents.add(Agent.of(CLIENT));
    long started = System.nanoTime();
    int result;
    try (MeshNode node = MeshNode.builder(settings).agents(agents).start()) {
      String td = settings.agent().trustDomain();
      AgentHandle client = node.agent(CLIENT);
      out.printf(
          "AgentWeave demo: node '%s' (%s) hosts %d agents in trust domain %s%n",
          settings.agent().name(), node.state(), agents.size(), td);
      out.printf(
          "authorization: %s, deny by default, decision cache %s, audit %s%n%n",
          settings.authorization().provider(),
          settings.authorization().cache().enabled() ? "on" : "off",
          settings.authorization().audit().enabled()
              ? settings.authorization().audit().destination()
              : "off");

      for (int round = 0; round < 3; round++) {
        drive(client, td, plan(new Random(round)), new LinkedHashMap<>());
      }
      Map<String, Row> rows = new LinkedHashMap<>();
      List<Call> plan = plan(new Random(42));
      long t0 = System.nanoTime();
      drive(client, td, plan, rows);
      long elapsed = System.nanoTime() - t0;

      // Deny by default: the batch agent has no rule for storage.
      boolean denied;
      try {
        node.agent(BatchAgent.NAME)
            .ref(SpiffeId.forAgent(td, StorageAgent.NAME))
            .ask("retrieve", new StorageAgent.Retrieve("k"), StorageAgent.StoredRecord.class)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        denied = false;
      } catch (java.util.concurrent.ExecutionException e) {
        denied = e.getCause() instanceof PermissionDeniedException;
      }

      int unexpected = printTable(out, rows, plan.size(), elapsed);
      out.printf(
          "%npolicy check: batch -> storage.retrieve was %s%n",
          denied ? "denied (no policy permits it; deny by default)" : "NOT denied (unexpected)");
      out.printf(
          "%nmetrics excerpt (Prometheus text, %s):%n",
          "as a node's gateway serves it at GET /metrics");
      excerpt(node.metrics().scrape()).forEach(l -> out.println("  " + l));
      out.printf(
          "%ndone in %.1f s; %s%n",
          (System.nanoTime() - started) / 1e9,
          unexpected == 0 && denied
              ? "every call ended as expected"
              : unexpected + " unexpected failures");
      out.flush();
      result = unexpected == 0 && denied ? 0 : 1;
    }
    // The node is closed: its audit log has written every decision.
    String destination = settings.authorization().audit().destination();
    if (settings.authorization().audit().enabled() && destination.startsWith("file://")) {
      Path audit = dev.agentweave.mesh.authz.AuditLog.path(destination);
      if (Files.exists(audit)) {
        try (Stream<String> lines = Files.lines(audit)) {
          out.printf(
              "audit: %d decisions, one JSON line each, in %s%n",
              lines.count(), audit.getFileName());
        }
      }
    }
    out.flush();
    return result;
  }

  static List<Call> plan(Random random) {
    List<Call> calls = new ArrayList<>();
    String[] queries = {
      "test query",
      "pekko actors",
      "mutual tls",
      "decision cache",
      "connection pools",
      "backpressure"
    };
    for (int i = 0; i < 120; i++) {
      calls.add(
          new Call(
              SearchAgent.NAME,
              "search",
              Map.of("query", queries[i % queries.length], "limit", 10),
              false));
    }
    for (int i = 0; i < 80; i++) {
      calls.add(
          new Call(
              SearchAgent.NAME, "process", Map.of("data", Map.of("key", "Value-" + i)), false));
    }
    for (int i = 0; i < 60; i++) {
      String q = i % 6 == 5 ? "missing-" + i : queries[i % queries.length];
      calls.add(
          new Call(
              OrchestratorAgent.NAME,
              "aggregate",
              new OrchestratorAgent.AggregateRequest(q),
              false));
    }
    for (int i = 0; i < 40; i++) {
      String key = i % 4 == 3 ? "missing-" + i : "key-" + i;
      calls.add(new Call(StorageAgent.NAME, "retrieve", new StorageAgent.Retrieve(key), true));
    }
    for (int i = 0; i < 20; i++) {
      calls.add(
          new Call(
              IndexerAgent.NAME,
              "query",
              new IndexerAgent.IndexQuery(queries[i % queries.length]),
              false));
    }
    for (int i = 0; i < 10; i++) {
      List<Map<String, Object>> items = new ArrayList<>();
      for (int j = 0; j < 20; j++) {
        items.add(Map.of("item", j, "batch", i));
      }
      calls.add(
          new Call(BatchAgent.NAME, "batch_process", new BatchAgent.BatchRequest(items), false));
    }
    for (int i = 0; i < 30; i++) {
      calls.add(
          new Call(
              FileProcessorAgent.NAME,
              "process_file",
              new FileProcessorAgent.ProcessFile("file-" + (i % 10) + ".txt"),
              false));
    }
    java.util.Collections.shuffle(calls, random);
    return calls;
  }

  private void drive(AgentHandle client, String td, List<Call> plan, Map<String, Row> rows)
      throws Exception {
    for (Call c : plan) {
      rows.computeIfAbsent(c.label(), k -> new Row());
    }
    Map<String, AgentRef> refs = new LinkedHashMap<>();
    for (Call c : plan) {
      refs.computeIfAbsent(c.agent(), a -> client.ref(SpiffeId.forAgent(td, a)));
    }
    ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>(plan);
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicInteger remaining = new AtomicInteger(plan.size());
    for (int i = 0; i < Math.max(1, concurrency); i++) {
      next(queue, refs, rows, remaining, all);
    }
    all.get(120, TimeUnit.SECONDS);
  }

  private void next(
      ConcurrentLinkedQueue<Call> queue,
      Map<String, AgentRef> refs,
      Map<String, Row> rows,
      AtomicInteger remaining,
      CompletableFuture<Void> all) {
    Call c = queue.poll();
    if (c == null) {
      return;
    }
    Row row = rows.get(c.label());
    long start = System.nanoTime();
    CompletionStage<Object> stage = refs.get(c.agent()).ask(c.action(), c.request(), Object.class);
    stage.whenComplete(
        (v, e) -> {
          row.latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
          row.calls.incrementAndGet();
          Throwable cause =
              e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof HandlerRejectedException && c.mayBeRejected()) {
            row.rejected.incrementAndGet();
          } else if (cause != null) {
            row.errors.incrementAndGet();
            spec.commandLine()
                .getErr()
                .println("unexpected failure of " + c.label() + ": " + cause);
          }
          if (remaining.decrementAndGet() == 0) {
            all.complete(null);
          } else {
            next(queue, refs, rows, remaining, all);
          }
        });
  }

  private int printTable(PrintWriter out, Map<String, Row> rows, int total, long elapsedNanos) {
    out.printf(
        "%-28s %6s %9s %7s %9s %9s%n",
        "capability", "calls", "rejected", "errors", "p50 ms", "p99 ms");
    out.println("-".repeat(73));
    int errors = 0;
    Histogram all = new Histogram(3);
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row r = e.getValue();
      Histogram h = r.latency.getIntervalHistogram();
      all.add(h);
      errors += r.errors.get();
      out.printf(
          "%-28s %6d %9s %7d %9.3f %9.3f%n",
          e.getKey(),
          r.calls.get(),
          r.rejected.get() == 0 ? "-" : r.rejected.get() + " (exp)",
          r.errors.get(),
          h.getValueAtPercentile(50) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0);
    }
    out.println("-".repeat(73));
    out.printf(
        "%-28s %6d %9s %7d %9.3f %9.3f%n",
        "all",
        total,
        "",
        errors,
        all.getValueAtPercentile(50) / 1000.0,
        all.getValueAtPercentile(99) / 1000.0);
    out.printf(
        "%d calls in %.0f ms (%.0f calls/s, %d in flight), after a warm-up of 3 x %d calls%n",
        total, elapsedNanos / 1e6, total / (elapsedNanos / 1e9), concurrency, total);
    return errors;
  }

  static List<String> excerpt(String scrape) {
    List<String> keep = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      boolean wanted =
          line.startsWith("requests_total{")
              || line.startsWith("requests_success_total{")
              || (line.startsWith("requests_error_total{") && !line.endsWith(" 0.0"))
              || line.startsWith("authz_cache_hit_ratio")
              || line.startsWith("authz_cache_size")
              || line.startsWith("authz_decisions_allowed_total")
              || line.startsWith("authz_decisions_denied_total")
              || (line.startsWith("request_duration_seconds_count{")
                  && line.contains("agent=\"search\""))
              || line.startsWith("request_payload_size_bytes_count{agent=\"search\"");
      if (wanted && !line.endsWith(" 0.0")) {
        keep.add(line);
      }
    }
    return keep;
  }
}
