package dev.agentweave.mesh.http.config;

import java.time.Duration;

/**
 * The pooled client's keys of the {@code transport} section, read by this module (ADR 0005); find
 * them with {@code settings.section(PooledClientSettings.class)}. The node's own keys of the
 * section (timeouts, concurrency limit, circuit breakers, peers) are {@link
 * dev.agentweave.mesh.config.TransportSettings}.
 *
 * @param connectionPool the connection pools, one per destination gateway
 * @param retry retries of cross-node calls
 */
public record PooledClientSettings(ConnectionPoolSettings connectionPool, RetrySettings retry) {
  /**
   * The {@code transport.connection_pool} section.
   *
   * @param maxConnections connections per destination
   * @param idleTimeout idle connections close after this
   * @param maxKeepalive maximum connection lifetime
   * @param connectTimeout connection establishment timeout
   * @param maxWaitingRequests requests waiting for a connection
   * @param waitTimeout longest wait for a connection
   * @param utilizationWarningThreshold utilization that logs a warning
   */
  public record ConnectionPoolSettings(
      int maxConnections,
      Duration idleTimeout,
      Duration maxKeepalive,
      Duration connectTimeout,
      int maxWaitingRequests,
      Duration waitTimeout,
      double utilizationWarningThreshold) {}

  /**
   * The {@code transport.retry} section.
   *
   * @param maxAttempts attempts in all, the first included
   * @param backoffBase first backoff
   * @param backoffMax backoff cap
   * @param jitter {@code full} or {@code none}
   */
  public record RetrySettings(
      int maxAttempts, Duration backoffBase, Duration backoffMax, String jitter) {}
}
