package dev.agentweave.mesh.config;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.List;

/**
 * The {@code transport} section.
 *
 * @param tlsMinVersion {@code 1.2} or {@code 1.3}
 * @param peerVerification {@code strict} or {@code log-only}
 * @param timeout the default timeout of a call
 * @param concurrencyLimit the per-destination outbound limit
 * @param connectionPool the gateway client's pools
 * @param circuitBreaker per-destination circuit breakers
 * @param retry retries of cross-node calls
 * @param peers agents on other nodes and their gateways ({@code transport.peers})
 */
public record TransportSettings(
    String tlsMinVersion,
    String peerVerification,
    Duration timeout,
    ConcurrencyLimitSettings concurrencyLimit,
    ConnectionPoolSettings connectionPool,
    CircuitBreakerSettings circuitBreaker,
    RetrySettings retry,
    List<PeerSettings> peers) {
  /**
   * An entry of {@code transport.peers}: an agent on another node and the gateways that serve it.
   *
   * @param spiffeId the agent
   * @param urls its gateways' base URLs ({@code https://host:port})
   */
  public record PeerSettings(SpiffeId spiffeId, List<java.net.URI> urls) {}

  /**
   * The {@code transport.concurrency_limit} section: each calling agent may have at most {@code
   * maxInFlight} calls in flight to one destination; further calls wait, up to {@code maxQueued},
   * and then fail as overloaded.
   *
   * @param maxInFlight calls in flight per (calling agent, destination)
   * @param maxQueued calls waiting for a slot
   */
  public record ConcurrencyLimitSettings(int maxInFlight, int maxQueued) {}

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
   * The {@code transport.circuit_breaker} section.
   *
   * @param enabled whether breakers are used
   * @param failureThreshold failures that open a breaker
   * @param recoveryTimeout time open before half-open
   * @param successThreshold successes that close it
   * @param halfOpenRequests trial calls admitted when half-open
   */
  public record CircuitBreakerSettings(
      boolean enabled,
      int failureThreshold,
      Duration recoveryTimeout,
      int successThreshold,
      int halfOpenRequests) {}

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
