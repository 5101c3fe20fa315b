package dev.agentweave.mesh.http.internal;

import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;

import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigSection;
import dev.agentweave.mesh.config.ConfigSpec;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigValues;
import dev.agentweave.mesh.http.config.PooledClientSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings.ConnectionPoolSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings.RetrySettings;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The pooled client's keys of the {@code transport} section ({@code connection_pool}, {@code
 * retry}; the node declares the rest of the section), and the {@link PooledClientSettings} read
 * from them. Found by the configuration loader with ServiceLoader.
 */
public final class PooledClientConfigSection implements ConfigSection<PooledClientSettings> {
  private static final Section SCHEMA = schema0();

  /** Creates the section (for {@link java.util.ServiceLoader}). */
  public PooledClientConfigSection() {}

  @Override
  public String path() {
    return "transport";
  }

  @Override
  public String module() {
    return "dev.agentweave:mesh-http";
  }

  @Override
  public Section schema() {
    return SCHEMA;
  }

  @Override
  public Class<PooledClientSettings> type() {
    return PooledClientSettings.class;
  }

  @Override
  public PooledClientSettings read(ConfigValues v) {
    return new PooledClientSettings(
        new ConnectionPoolSettings(
            v.integer("transport.connection_pool.max_connections"),
            v.seconds("transport.connection_pool.idle_timeout_seconds"),
            v.seconds("transport.connection_pool.max_keepalive_seconds"),
            v.seconds("transport.connection_pool.connect_timeout_seconds"),
            v.integer("transport.connection_pool.max_waiting_requests"),
            v.seconds("transport.connection_pool.wait_timeout_seconds"),
            v.dbl("transport.connection_pool.utilization_warning_threshold")),
        new RetrySettings(
            v.integer("transport.retry.max_attempts"),
            v.seconds("transport.retry.backoff_base_seconds"),
            v.seconds("transport.retry.backoff_max_seconds"),
            v.str("transport.retry.jitter")));
  }

  @Override
  public void check(
      PooledClientSettings settings,
      ConfigValues values,
      boolean production,
      Consumer<ConfigProblem> problems) {
    RetrySettings retry = settings.retry();
    if (retry.backoffMax().compareTo(retry.backoffBase()) < 0) {
      problems.accept(
          new ConfigProblem(
              "transport.retry.backoff_max_seconds",
              secondsText(retry.backoffMax()),
              ">= transport.retry.backoff_base_seconds (" + secondsText(retry.backoffBase()) + ")",
              values.envSource("transport.retry.backoff_max_seconds")));
    }
  }

  private static String secondsText(Duration d) {
    return Double.toString(d.toNanos() / 1e9);
  }

  private static Section schema0() {
    Section pool =
        ConfigSpec.section()
            .add(
                "max_connections",
                leaf(
                    Kind.INT,
                    100,
                    intRange(1, 10_000),
                    "an integer in 1..10000",
                    "Connections per destination."))
            .add("idle_timeout_seconds", seconds(60, "Close idle connections after this."))
            .add("max_keepalive_seconds", seconds(300, "Maximum connection lifetime."))
            .add("connect_timeout_seconds", seconds(10, "Connection establishment timeout."))
            .add(
                "max_waiting_requests",
                leaf(
                    Kind.INT,
                    1024,
                    intRange(0, 1_000_000),
                    "an integer in 0..1000000",
                    "Requests waiting for a connection."))
            .add("wait_timeout_seconds", seconds(5, "Longest wait for a connection."))
            .add(
                "utilization_warning_threshold",
                leaf(
                    Kind.DOUBLE,
                    0.9,
                    v -> ((Double) v) > 0 && ((Double) v) <= 1,
                    "a number in (0, 1]",
                    "Utilization that logs a warning."))
            .build();
    Section retry =
        ConfigSpec.section()
            .add(
                "max_attempts",
                leaf(
                    Kind.INT,
                    3,
                    intRange(1, 10),
                    "an integer in 1..10",
                    "Attempts in all, the first included."))
            .add(
                "backoff_base_seconds",
                leaf(
                    Kind.DOUBLE,
                    0.1,
                    v -> ((Double) v) >= 0.001,
                    "a number >= 0.001",
                    "First backoff."))
            .add(
                "backoff_max_seconds",
                leaf(
                    Kind.DOUBLE,
                    30.0,
                    v -> ((Double) v) >= 0.001,
                    "a number >= 0.001",
                    "Backoff cap."))
            .add("jitter", oneOf("full", "Jitter applied to backoff.", "full", "none"))
            .build();
    return ConfigSpec.section().add("connection_pool", pool).add("retry", retry).build();
  }
}
