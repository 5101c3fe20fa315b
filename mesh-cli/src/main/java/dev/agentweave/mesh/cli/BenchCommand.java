package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.cli.bench.BenchReport;
import dev.agentweave.mesh.cli.bench.LoadRun;
import dev.agentweave.mesh.cli.bench.LoadTarget;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentweave bench TARGET}: a load run against a gateway ({@code POST /task}, {@code
 * /agents/{agent}/task}, or any JSON endpoint) or an agent through an {@code AgentRef}, closed or
 * open loop, with a final latency table.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load a target and print requests/s, latency percentiles and errors. TARGET is a gateway"
            + " URL (https://host:port for POST /task, or a path such as /agents/search/task),"
            + " an http:// URL of a plain JSON server (for comparisons), or the SPIFFE ID of an"
            + " agent called through an AgentRef of a node started here from --config. Closed"
            + " loop by default (--concurrency); --rate sends at a fixed rate and measures each"
            + " latency from the time the request was due. Exit 0 when the run had no error, 1"
            + " when some request failed, 2 on a usage, config or identity error.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "TARGET", description = "A URL or a SPIFFE ID.")
  String target;

  @Option(
      names = "--compare",
      paramLabel = "TARGET",
      description = "A second target, run in rounds interleaved with the first (A B B A ...).")
  String compare;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "4",
      description =
          "Rounds of a comparison, each a share of --duration (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description =
          "Closed loop: requests in flight (default 16). With --rate: the connections the rate"
              + " is sent over (default 64).")
  Integer concurrency;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description = "Open loop: requests sent per second, whatever the answers do.")
  Double rate;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Open loop: a due request beyond this many in flight is counted as an error, not sent"
              + " (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "TIME",
      defaultValue = "10s",
      description = "How long to measure: 500ms, 10s, 2m, 1h (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      defaultValue = "2s",
      description = "How long to run first without measuring (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(
      names = {"-n", "--requests"},
      paramLabel = "N",
      description = "Stop after this many measured requests (or at --duration, if sooner).")
  Long requests;

  @Option(
      names = "--timeout",
      paramLabel = "TIME",
      defaultValue = "30s",
      description = "Each request's timeout (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = "--body",
      paramLabel = "JSON",
      description =
          "The request body, with placeholders {{seq}}, {{uuid}}, {{random:N}} (default: the"
              + " sample search agent's request).")
  String body;

  @Option(names = "--body-file", paramLabel = "FILE", description = "Read the body from a file.")
  Path bodyFile;

  @Option(
      names = "--capability",
      paramLabel = "NAME",
      description = "For an AgentRef target: the capability (default: the body's action field).")
  String capability;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/node.yaml",
      description =
          "The config whose identity calls (its default agent, or --as), and the node of an"
              + " AgentRef target (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--as",
      paramLabel = "SPIFFE_ID",
      description = "Call as this identity, minted from the config's dev CA (identity dev-ca).")
  String as;

  @Option(names = "--cert", paramLabel = "FILE", description = "Client certificate chain (PEM).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Its PKCS#8 private key (PEM).")
  Path key;

  @Option(names = "--ca", paramLabel = "FILE", description = "The trust bundle (PEM).")
  Path ca;

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      description =
          "Also report the CPU time this process (the server of TARGET, on this machine) spends"
              + " per request in the measured phase.")
  Long serverPid;

  @Option(
      names = "--compare-server-pid",
      paramLabel = "PID",
      description = "The same for the server of --compare.")
  Long compareServerPid;

  @Option(names = "--http2", description = "Offer HTTP/2 (the server's ALPN answer decides).")
  boolean http2;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the figures as JSON (- for stdout).")
  Path json;

  @Option(
      names = "--hlog",
      paramLabel = "FILE",
      description = "Write an HdrHistogram interval log (one interval a second, microseconds).")
  Path hlog;

  @Option(
      names = "--progress",
      negatable = true,
      description = "A live progress line on stderr (default: when stderr is a terminal).")
  Boolean progress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BenchOptions.Checked o;
    try {
      o = BenchOptions.check(this);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    List<java.util.function.Supplier<Duration>> cpus = new ArrayList<>();
    try {
      cpus.add(BenchOptions.cpuOf("--server-pid", serverPid));
      cpus.add(BenchOptions.cpuOf("--compare-server-pid", compareServerPid));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    List<LoadTarget> targets = new ArrayList<>();
    try {
      targets.add(BenchTargets.open(target, o, this, err));
      if (compare != null) {
        targets.add(BenchTargets.open(compare, o, this, err));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      err.flush();
      targets.forEach(LoadTarget::close);
      return 2;
    }
    try {
      return run(targets, o, out, err, cpus);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (java.io.IOException e) {
      err.println("cannot write: " + e.getMessage());
      err.flush();
      return 2;
    } finally {
      targets.forEach(LoadTarget::close);
    }
  }

  private int run(
      List<LoadTarget> targets,
      BenchOptions.Checked o,
      PrintWriter out,
      PrintWriter err,
      List<java.util.function.Supplier<Duration>> cpus)
      throws InterruptedException, java.io.IOException {
    boolean live = progress != null ? progress : System.console() != null;
    List<LoadRun.Result> results = new ArrayList<>();
    try (PrintStream hlogOut =
        hlog == null ? null : new PrintStream(Files.newOutputStream(hlog), true, "UTF-8")) {
      HistogramLogWriter log = hlogOut == null ? null : new HistogramLogWriter(hlogOut);
      if (targets.size() == 1) {
        results.add(
            LoadRun.run(
                targets.get(0),
                o.plan(o.duration(), o.warmup()),
                live ? p -> BenchOptions.progressLine(err, "", p) : null,
                log,
                cpus.get(0)));
      } else {
        results.addAll(BenchOptions.compare(targets, o, live ? err : null, log, cpus));
      }
    }
    ArrayNodeBuilder report = new ArrayNodeBuilder();
    for (int i = 0; i < targets.size(); i++) {
      if (targets.size() > 1) {
        out.println(i == 0 ? "A" : "B");
      }
      LoadTarget t = targets.get(i);
      BenchReport.table(out, t.describe(), t.protocol(), o.mode(), results.get(i));
      report.add(BenchReport.json(t.describe(), t.protocol(), o.mode(), results.get(i)));
      out.println();
    }
    if (targets.size() > 1) {
      out.println(BenchReport.ratio(results.get(0), results.get(1)));
    }
    out.flush();
    if (json != null) {
      String text =
          report.text(
              targets.size() > 1 ? BenchReport.ratioJson(results.get(0), results.get(1)) : null);
      if (json.toString().equals("-")) {
        out.println(text);
        out.flush();
      } else {
        Files.writeString(json, text + "\n", StandardCharsets.UTF_8);
      }
    }
    long errors = results.stream().mapToLong(LoadRun.Result::errorCount).sum();
    return errors == 0 ? 0 : 1;
  }

  /** The JSON report: one object per target, and the ratio of a comparison. */
  private static final class ArrayNodeBuilder {
    private final com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    private final com.fasterxml.jackson.databind.node.ArrayNode runs = mapper.createArrayNode();

    void add(com.fasterxml.jackson.databind.node.ObjectNode run) {
      runs.add(run);
    }

    String text(com.fasterxml.jackson.databind.node.ObjectNode ratio) throws java.io.IOException {
      var root = mapper.createObjectNode();
      root.set("runs", runs);
      if (ratio != null) {
        root.set("b_over_a", ratio);
      }
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
  }
}
