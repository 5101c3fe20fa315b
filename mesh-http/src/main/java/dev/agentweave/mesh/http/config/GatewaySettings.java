package dev.agentweave.mesh.http.config;

import java.time.Duration;

/**
 * The gateway's keys of the {@code server} section, read by this module (ADR 0005); find them with
 * {@code settings.section(GatewaySettings.class)}. The node's own keys of the section (whether the
 * gateway is served, the drain on stop) are {@link dev.agentweave.mesh.config.ServerSettings}.
 *
 * @param host the gateway bind address ({@code server.host})
 * @param port the gateway port ({@code server.port}, 0 picks a free one)
 * @param protocol the wire protocol ({@code server.protocol})
 * @param maxBodyBytes the largest accepted request body ({@code server.max_body_bytes})
 * @param maxConcurrentRequests gateway task requests served at once ({@code
 *     server.max_concurrent_requests})
 * @param requestTimeout longest a gateway request may take ({@code server.request_timeout_seconds})
 * @param advertisedHost the host other nodes reach the gateway at, or empty to derive it ({@code
 *     server.advertised_host})
 * @param connections the gateway's connection limits and timeouts
 */
public record GatewaySettings(
    String host,
    int port,
    String protocol,
    long maxBodyBytes,
    int maxConcurrentRequests,
    Duration requestTimeout,
    String advertisedHost,
    ConnectionSettings connections) {

  /**
   * The gateway's connection limits and timeouts ({@code server.*} keys). Beyond a limit, a new
   * connection is accepted and closed at once.
   *
   * @param maxConnections connections held open at once, in all ({@code server.max_connections})
   * @param maxPerAddress connections held open at once from one remote IP address ({@code
   *     server.max_connections_per_address})
   * @param handshakeTimeout longest a TLS handshake may take from the accept ({@code
   *     server.handshake_timeout_seconds})
   * @param firstRequestTimeout longest from the handshake to the headers of the first request
   *     ({@code server.first_request_timeout_seconds})
   * @param idleTimeout longest a connection stays open with no request in flight ({@code
   *     server.idle_timeout_seconds})
   */
  public record ConnectionSettings(
      int maxConnections,
      int maxPerAddress,
      Duration handshakeTimeout,
      Duration firstRequestTimeout,
      Duration idleTimeout) {}
}
