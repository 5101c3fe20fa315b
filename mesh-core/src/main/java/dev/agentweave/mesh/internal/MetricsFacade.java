package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.ObservabilitySettings.MetricsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The {@link Metrics} facade over a node's Prometheus registry. */
public final class MetricsFacade implements Metrics {
  private final PrometheusMeterRegistry registry;
  private final MeterRegistry framework;
  private final boolean histograms;

  MetricsFacade(PrometheusMeterRegistry registry, MetricsSettings settings) {
    this.registry =
        registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two of Micrometer's system meters break Prometheus naming rules (promtool rejects
    // "system_cpu_count" and the "_ns" unit of "process_cpu_time_ns_total"): rename the first,
    // replace the second with a seconds-based counter (MeshMeters.bindNode).
    this.registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public io.micrometer.core.instrument.Meter.Id map(
                  io.micrometer.core.instrument.Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.logical")
                    : id;
              }
            })
        .meterFilter(
            MeterFilter.deny(
                id -> id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit())));
    this.framework = settings.enabled() ? this.registry : new CompositeMeterRegistry();
    this.histograms = settings.percentileHistograms();
  }

  /** The registry the framework's own meters go to: a no-op one when metrics are disabled. */
  MeterRegistry framework() {
    return framework;
  }

  boolean histograms() {
    return histograms;
  }

  @Override
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(checkName(name))
        .description(checkDescription(description))
        .tags(tags(tags))
        .register(registry);
  }

  @Override
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    requireNonNull(value, "value");
    Gauge.builder(
            checkName(name),
            value,
            s -> {
              Number n = s.get();
              return n == null ? Double.NaN : n.doubleValue();
            })
        .description(checkDescription(description))
        .tags(tags(tags))
        .strongReference(true)
        .register(registry);
  }

  @Override
  public DistributionSummary histogram(String name, String description, String... tags) {
    return DistributionSummary.builder(checkName(name))
        .description(checkDescription(description))
        .tags(tags(tags))
        .publishPercentileHistogram(histograms)
        .register(registry);
  }

  @Override
  public Timer timer(String name, String description, String... tags) {
    return Timer.builder(checkName(name))
        .description(checkDescription(description))
        .tags(tags(tags))
        .publishPercentileHistogram(histograms)
        .minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  @Override
  public <T> T measureTime(Timer timer, Callable<T> work) throws Exception {
    requireNonNull(timer, "timer");
    requireNonNull(work, "work");
    long start = System.nanoTime();
    try {
      return work.call();
    } finally {
      timer.record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Override
  public <T> CompletionStage<T> measureTimeAsync(
      Timer timer, Supplier<? extends CompletionStage<T>> work) {
    requireNonNull(timer, "timer");
    requireNonNull(work, "work");
    long start = System.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (RuntimeException e) {
      timer.record(Duration.ofNanos(System.nanoTime() - start));
      throw e;
    }
    return stage.whenComplete((v, e) -> timer.record(Duration.ofNanos(System.nanoTime() - start)));
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }

  private static String checkName(String name) {
    requireNonNull(name, "name");
    if (!name.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*")) {
      throw new IllegalArgumentException(
          "meter name: '" + name + "' (expected: lowercase dotted, like search.database.query)");
    }
    return name;
  }

  private static String checkDescription(String description) {
    requireNonNull(description, "description");
    if (description.isBlank()) {
      throw new IllegalArgumentException(
          "meter description is blank (expected: help text; Prometheus tooling rejects meters without it)");
    }
    return description;
  }

  private static Tags tags(String... tags) {
    requireNonNull(tags, "tags");
    if (tags.length % 2 != 0) {
      throw new IllegalArgumentException(
          "tags: "
              + tags.length
              + " strings (expected: an even number, alternating keys and values)");
    }
    return Tags.of(tags);
  }
}
