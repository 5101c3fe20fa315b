package dev.agentweave.mesh.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The final table of a run, its JSON form, and the ratio line of a comparison. */
public final class BenchReport {
  /** Percentiles shown, in order. */
  static final double[] PERCENTILES = {50, 90, 95, 99, 99.9};

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchReport() {}

  /**
   * Prints the table of one target's figures.
   *
   * @param out where to print
   * @param target what was loaded
   * @param protocol what the answers came over
   * @param mode the loop and its size ({@code closed loop, 64 in flight})
   * @param r the figures
   */
  public static void table(
      PrintWriter out, String target, String protocol, String mode, LoadRun.Result r) {
    Histogram h = r.latency();
    out.printf(Locale.ROOT, "target      %s (%s)%n", target, protocol.isEmpty() ? "-" : protocol);
    out.printf(Locale.ROOT, "load        %s%n", mode);
    out.printf(
        Locale.ROOT,
        "requests    %d in %.2f s: %.1f requests/s, %d errors (%.2f %%)%n",
        r.requests(),
        r.elapsed().toNanos() / 1e9,
        r.requestsPerSecond(),
        r.errorCount(),
        r.requests() == 0 ? 0.0 : 100.0 * r.errorCount() / r.requests());
    if (r.serverCpu() != null) {
      out.printf(
          Locale.ROOT,
          "server cpu  %.1f us per request (%.2f s in all)%n",
          r.serverCpuMicrosPerRequest(),
          r.serverCpu().toNanos() / 1e9);
    }
    if (r.clientCpu() != null) {
      out.printf(
          Locale.ROOT,
          "client cpu  %.1f us per request (this process)%n",
          r.clientCpuMicrosPerRequest());
    }
    StringBuilder head = new StringBuilder("latency ms ");
    StringBuilder values = new StringBuilder("           ");
    for (double p : PERCENTILES) {
      String name = p == Math.rint(p) ? "p" + (int) p : "p" + p;
      head.append(String.format(Locale.ROOT, " %9s", name));
      values.append(String.format(Locale.ROOT, " %9.3f", ms(h, p)));
    }
    head.append(String.format(Locale.ROOT, " %9s", "max"));
    values.append(String.format(Locale.ROOT, " %9.3f", h.getMaxValue() / 1000.0));
    out.println(head);
    out.println(h.getTotalCount() == 0 ? "            (no successful request)" : values);
    if (!r.errors().isEmpty()) {
      out.println("errors      count  kind");
      r.errors().entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> out.printf(Locale.ROOT, "      %11d  %s%n", e.getValue(), e.getKey()));
    }
    out.flush();
  }

  /**
   * The comparison line: B's figures as multiples of A's.
   *
   * @param a the first target's figures
   * @param b the second target's figures
   * @return {@code B / A: requests/s 0.87x, p50 1.12x, p99 1.31x}
   */
  public static String ratio(LoadRun.Result a, LoadRun.Result b) {
    return String.format(
        Locale.ROOT,
        "B / A: requests/s %s, p50 %s, p99 %s",
        times(b.requestsPerSecond(), a.requestsPerSecond()),
        times(ms(b.latency(), 50), ms(a.latency(), 50)),
        times(ms(b.latency(), 99), ms(a.latency(), 99)));
  }

  /**
   * The comparison as JSON: B's figures as multiples of A's ({@code null} where A's is zero).
   *
   * @param a the first target's figures
   * @param b the second target's figures
   * @return {@code {"requests_per_second": 0.87, "p50": 1.12, "p99": 1.31}}
   */
  public static ObjectNode ratioJson(LoadRun.Result a, LoadRun.Result b) {
    ObjectNode o = JSON.createObjectNode();
    put(o, "requests_per_second", b.requestsPerSecond(), a.requestsPerSecond());
    put(o, "p50", ms(b.latency(), 50), ms(a.latency(), 50));
    put(o, "p99", ms(b.latency(), 99), ms(a.latency(), 99));
    return o;
  }

  private static void put(ObjectNode o, String name, double b, double a) {
    if (a <= 0) {
      o.putNull(name);
    } else {
      o.put(name, b / a);
    }
  }

  private static String times(double b, double a) {
    return a <= 0 ? "n/a" : String.format(Locale.ROOT, "%.3fx", b / a);
  }

  private static double ms(Histogram h, double p) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
  }

  /**
   * The figures as JSON.
   *
   * @param target what was loaded
   * @param protocol what the answers came over
   * @param mode the loop and its size
   * @param r the figures
   * @return the object
   */
  public static ObjectNode json(String target, String protocol, String mode, LoadRun.Result r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("target", target).put("protocol", protocol).put("load", mode);
    o.put("requests", r.requests());
    o.put("seconds", r.elapsed().toNanos() / 1e9);
    o.put("requests_per_second", r.requestsPerSecond());
    o.put("errors", r.errorCount());
    if (r.serverCpu() != null) {
      o.put("server_cpu_us_per_request", r.serverCpuMicrosPerRequest());
    }
    if (r.clientCpu() != null) {
      o.put("client_cpu_us_per_request", r.clientCpuMicrosPerRequest());
    }
    ObjectNode latency = o.putObject("latency_ms");
    for (double p : PERCENTILES) {
      latency.put(p == Math.rint(p) ? "p" + (int) p : "p" + p, ms(r.latency(), p));
    }
    latency.put("max", r.latency().getMaxValue() / 1000.0);
    latency.put("count", r.latency().getTotalCount());
    ObjectNode kinds = o.putObject("errors_by_kind");
    r.errors().forEach(kinds::put);
    return o;
  }
}
