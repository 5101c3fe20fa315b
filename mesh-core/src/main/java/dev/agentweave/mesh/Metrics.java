package dev.agentweave.mesh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The node's metrics, for user code: the Java counterpart of Python's {@code
 * get_metrics_registry()} and its {@code measure_time} decorator. Names are lowercase and dotted
 * ({@code search.database.query}); each backend translates them (Prometheus: {@code
 * search_database_query_seconds}). Every meter needs a description, which becomes its help text.
 * Tags are alternating keys and values and must have bounded cardinality: never a request id.
 * Thread-safe; meters with the same name and tags are the same meter.
 *
 * <pre>{@code
 * Timer query = ctx.metrics().timer("search.database.query", "Time spent querying the index");
 * List<Hit> hits = query.recordCallable(() -> index.find(request.query()));
 * }</pre>
 */
public interface Metrics {
  /** The underlying Micrometer registry, for binders and advanced use. */
  MeterRegistry registry();

  /**
   * A counter.
   *
   * @param name dotted lowercase name
   * @param description help text
   * @param tags alternating keys and values
   * @return the counter
   * @throws IllegalArgumentException if the tags are not key-value pairs
   */
  Counter counter(String name, String description, String... tags);

  /**
   * Registers a gauge that samples a value whenever metrics are read. The supplier is held strongly
   * until the node stops.
   *
   * @param name dotted lowercase name
   * @param description help text
   * @param value the sampled value
   * @param tags alternating keys and values
   */
  void gauge(String name, String description, Supplier<Number> value, String... tags);

  /**
   * A histogram (distribution summary) of values such as sizes.
   *
   * @param name dotted lowercase name
   * @param description help text
   * @param tags alternating keys and values
   * @return the histogram
   */
  DistributionSummary histogram(String name, String description, String... tags);

  /**
   * A timer with percentile histogram buckets.
   *
   * @param name dotted lowercase name
   * @param description help text
   * @param tags alternating keys and values
   * @return the timer
   */
  Timer timer(String name, String description, String... tags);

  /**
   * Runs a callable and records its duration, success or failure alike: the counterpart of {@code
   * measure_time}.
   *
   * @param timer the timer to record into
   * @param work the work
   * @param <T> the result type
   * @return the callable's result
   * @throws Exception what the callable throws
   */
  <T> T measureTime(Timer timer, Callable<T> work) throws Exception;

  /**
   * Starts asynchronous work and records the time until its stage completes, success or failure
   * alike.
   *
   * @param timer the timer to record into
   * @param work starts the work
   * @param <T> the result type
   * @return the work's stage
   */
  <T> CompletionStage<T> measureTimeAsync(Timer timer, Supplier<? extends CompletionStage<T>> work);

  /**
   * The node's meters in Prometheus text exposition format.
   *
   * @return the scrape text
   */
  String scrape();
}
