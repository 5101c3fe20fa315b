package dev.agentweave.mesh.config;

/**
 * The {@code observability} section.
 *
 * @param metrics metrics
 * @param tracing tracing
 * @param logging logging
 */
public record ObservabilitySettings(
    MetricsSettings metrics, TracingSettings tracing, LoggingSettings logging) {
  /**
   * The {@code observability.metrics} section.
   *
   * @param enabled whether the framework records its meters
   * @param host bind address of the plain scrape port ({@code server.host} unless set)
   * @param port plain-HTTP scrape port, 0 for none
   * @param path scrape path on that port
   * @param percentileHistograms whether latency timers publish histogram buckets
   */
  public record MetricsSettings(
      boolean enabled, String host, int port, String path, boolean percentileHistograms) {}

  /**
   * The {@code observability.tracing} section.
   *
   * @param enabled whether traces are exported
   * @param exporter the exporter
   * @param endpoint the exporter endpoint
   * @param sampleRate fraction of traces kept
   */
  public record TracingSettings(
      boolean enabled, String exporter, String endpoint, double sampleRate) {}

  /**
   * The {@code observability.logging} section.
   *
   * @param level the log level
   * @param format {@code json} or {@code text}
   */
  public record LoggingSettings(String level, String format) {}
}
