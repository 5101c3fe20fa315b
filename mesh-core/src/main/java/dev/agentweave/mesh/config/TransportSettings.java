package dev.agentweave.mesh.config;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.List;

/**
 * The node's own keys of the {@code transport} section. The pooled client's keys of it ({@code
 * connection_pool}, {@code retry}) are read by mesh-http into {@code
 * dev.agentweave.mesh.http.config.PooledClientSettings} (ADR 0005).
 *
 * @param tlsMinVersion {@code 1.2} or {@code 1.3}
 * @param peerVerification {@code strict} or {@code log-only}
 * @param timeout the default timeout of a call
 * @param concurrencyLimit the per-destination outbound limit
 * @param circuitBreaker per-destination circuit breakers
 * @param peers agents on other nodes and their gateways ({@code transport.peers})
 */
public record TransportSettings(
    String tlsMinVersion,
    String peerVerification,
    Duration timeout,
    ConcurrencyLimitSettings concurrencyLimit,
    CircuitBreakerSettings circuitBreaker,
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
}
