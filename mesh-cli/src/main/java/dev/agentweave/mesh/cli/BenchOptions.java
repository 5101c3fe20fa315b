package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.cli.bench.BodyTemplate;
import dev.agentweave.mesh.cli.bench.LoadRun;
import dev.agentweave.mesh.cli.bench.LoadTarget;
import dev.agentweave.mesh.support.Bounded;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Checks {@code agentweave bench}'s options and runs comparisons in rounds. */
final class BenchOptions {
  /** The sample search agent's request, the performance guide's load-test payload. */
  static final String DEFAULT_BODY = "{\"action\":\"search\",\"query\":\"load test\",\"limit\":10}";

  /** The largest body read from a file or given inline. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final Pattern TIME = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  private BenchOptions() {}

  /**
   * Checked options.
   *
   * @param concurrency closed loop size, or 0
   * @param connections connections of an HTTP/1.1 target (closed loop: the concurrency)
   * @param rate open loop rate, or 0
   * @param maxInFlight open loop in-flight bound
   * @param duration the measured time
   * @param warmup the warm-up
   * @param requests the count bound, or 0
   * @param timeout each request's timeout
   * @param rounds comparison rounds
   * @param body the body
   */
  record Checked(
      int concurrency,
      int connections,
      double rate,
      int maxInFlight,
      Duration duration,
      Duration warmup,
      long requests,
      Duration timeout,
      int rounds,
      BodyTemplate body) {
    LoadRun.Plan plan(Duration measured, Duration warm) {
      return new LoadRun.Plan(concurrency, rate, warm, measured, requests, maxInFlight);
    }

    String mode() {
      return rate > 0
          ? String.format(
              Locale.ROOT,
              "open loop, %s requests/s over %d connections",
              number(rate),
              connections)
          : "closed loop, " + concurrency + " in flight";
    }
  }

  static Checked check(BenchCommand c) {
    // Closed loop: -c requests in flight. Open loop: -c connections to send the rate over.
    int connections = c.concurrency == null ? (c.rate == null ? 16 : 64) : c.concurrency;
    if (connections < 1 || connections > 10_000) {
      throw new IllegalArgumentException("--concurrency: " + connections + " (expected: 1..10000)");
    }
    int concurrency = c.rate == null ? connections : 0;
    double rate = c.rate == null ? 0 : c.rate;
    if (c.rate != null && !(rate > 0 && rate <= 1_000_000)) {
      throw new IllegalArgumentException(
          "--rate: " + number(rate) + " (expected: requests per second in (0, 1000000])");
    }
    if (c.maxInFlight < 1 || c.maxInFlight > 1_000_000) {
      throw new IllegalArgumentException(
          "--max-in-flight: " + c.maxInFlight + " (expected: 1..1000000)");
    }
    Duration duration = time("--duration", c.duration, Duration.ofMillis(1), Duration.ofHours(24));
    Duration warmup = time("--warmup", c.warmup, Duration.ZERO, Duration.ofHours(1));
    Duration timeout = time("--timeout", c.timeout, Duration.ofMillis(1), Duration.ofHours(1));
    if (c.requests != null && (c.requests < 1 || c.requests > 1_000_000_000L)) {
      throw new IllegalArgumentException(
          "--requests: " + c.requests + " (expected: 1..1000000000)");
    }
    if (c.rounds < 1 || c.rounds > 100) {
      throw new IllegalArgumentException("--rounds: " + c.rounds + " (expected: 1..100)");
    }
    if (c.body != null && c.bodyFile != null) {
      throw new IllegalArgumentException(
          "--body and --body-file: both given (expected: one of them)");
    }
    String text = c.body != null ? c.body : c.bodyFile != null ? read(c) : DEFAULT_BODY;
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "the body: over " + MAX_BODY_BYTES + " bytes (expected: at most 16 MiB)");
    }
    return new Checked(
        concurrency,
        connections,
        rate,
        c.maxInFlight,
        duration,
        warmup,
        c.requests == null ? 0 : c.requests,
        timeout,
        c.rounds,
        BodyTemplate.parse(text));
  }

  private static String read(BenchCommand c) {
    try {
      if (Files.size(c.bodyFile) > MAX_BODY_BYTES) {
        throw new IllegalArgumentException(
            "--body-file " + c.bodyFile + ": over 16 MiB (expected: a smaller JSON file)");
      }
      return Files.readString(c.bodyFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--body-file " + c.bodyFile + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Parses a time option: a whole number with {@code ms}, {@code s}, {@code m} or {@code h}
   * (seconds without a unit).
   */
  static Duration time(String option, String text, Duration min, Duration max) {
    Matcher m = TIME.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option
              + ": '"
              + Bounded.cut(text, 64)
              + "' (expected: a whole number with ms, s, m or h, such as 500ms or 10s)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          option + ": " + text + " (expected: from " + show(min) + " to " + show(max) + ")");
    }
    return d;
  }

  private static String show(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    return d.toHours() >= 1 && d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toSeconds() + "s";
  }

  /**
   * The total CPU time of a process on this machine, read when asked.
   *
   * @param option the option, for the message
   * @param pid the process, or {@code null}
   * @return the reader, or {@code null} without a process
   * @throws IllegalArgumentException if the process does not exist or its CPU time is unreadable
   */
  static java.util.function.Supplier<Duration> cpuOf(String option, Long pid) {
    if (pid == null) {
      return null;
    }
    ProcessHandle p =
        ProcessHandle.of(pid)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        option + " " + pid + ": no such process (expected: a server's PID here)"));
    if (p.info().totalCpuDuration().isEmpty()) {
      throw new IllegalArgumentException(
          option + " " + pid + ": its CPU time cannot be read (expected: a process of this user)");
    }
    return () -> p.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static void progressLine(PrintWriter err, String label, LoadRun.Progress p) {
    double s = p.elapsed().toNanos() / 1e9;
    err.printf(
        Locale.ROOT,
        "\r%s%s %6.1f s  requests %d  rate %.0f/s  errors %d  p99 %.2f ms   ",
        label,
        s < 0 ? "warm-up" : "",
        Math.abs(s),
        p.requests(),
        p.ratePerSecond(),
        p.errors(),
        p.p99Micros() / 1000.0);
    err.flush();
  }

  /**
   * Runs two targets in rounds, A B then B A, so that neither always goes first; each warms up
   * once, before its first round.
   */
  static List<LoadRun.Result> compare(
      List<LoadTarget> targets,
      Checked o,
      PrintWriter live,
      HistogramLogWriter log,
      List<java.util.function.Supplier<Duration>> cpus)
      throws InterruptedException {
    Duration share = o.duration().dividedBy(o.rounds());
    if (share.isZero()) {
      share = Duration.ofMillis(1);
    }
    List<List<LoadRun.Result>> parts = List.of(new ArrayList<>(), new ArrayList<>());
    for (int round = 0; round < o.rounds(); round++) {
      int[] order = round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
      for (int i : order) {
        String label = (i == 0 ? "A" : "B") + " round " + (round + 1) + ": ";
        parts
            .get(i)
            .add(
                LoadRun.run(
                    targets.get(i),
                    o.plan(share, parts.get(i).isEmpty() ? o.warmup() : Duration.ZERO),
                    live == null ? null : p -> progressLine(live, label, p),
                    i == 0 ? log : null,
                    cpus.get(i)));
      }
    }
    return List.of(merge(parts.get(0)), merge(parts.get(1)));
  }

  private static LoadRun.Result merge(List<LoadRun.Result> parts) {
    Histogram latency = new Histogram(3_600_000_000L, 3);
    long requests = 0;
    Duration elapsed = Duration.ZERO;
    Map<String, Long> errors = new TreeMap<>();
    Duration cpu = parts.get(0).serverCpu() == null ? null : Duration.ZERO;
    Duration own = parts.get(0).clientCpu() == null ? null : Duration.ZERO;
    for (LoadRun.Result r : parts) {
      if (cpu != null && r.serverCpu() != null) {
        cpu = cpu.plus(r.serverCpu());
      }
      if (own != null && r.clientCpu() != null) {
        own = own.plus(r.clientCpu());
      }
      latency.add(r.latency());
      requests += r.requests();
      elapsed = elapsed.plus(r.elapsed());
      r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
    }
    return new LoadRun.Result(latency, requests, Map.copyOf(errors), elapsed, cpu, own);
  }
}
