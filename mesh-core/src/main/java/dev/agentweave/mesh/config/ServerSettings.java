package dev.agentweave.mesh.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code server} section.
 *
 * @param enabled whether the node serves its gateway (mesh-http)
 * @param host the gateway bind address
 * @param port the gateway port
 * @param protocol the wire protocol
 * @param maxBodyBytes the largest accepted request body
 * @param maxConcurrentRequests gateway requests in flight
 * @param requestTimeout gateway request timeout
 * @param gracefulShutdown how long a stopping node drains in-flight calls
 * @param blockingPoolSize threads of the dispatcher for blocking capabilities
 * @param agents the sample agents {@code agentweave node} hosts (all when empty)
 * @param advertisedHost the host other nodes reach the gateway at, or empty to derive it
 * @param connections the gateway's connection limits and timeouts
 */
public record ServerSettings(
    boolean enabled,
    String host,
    int port,
    String protocol,
    long maxBodyBytes,
    int maxConcurrentRequests,
    Duration requestTimeout,
    Duration gracefulShutdown,
    int blockingPoolSize,
    List<String> agents,
    String advertisedHost,
    ConnectionSettings connections) {
  /**
   * These settings with the gateway turned on or off.
   *
   * @param value whether the node serves its gateway
   * @return the copy
   */
  public ServerSettings withEnabled(boolean value) {
    return new ServerSettings(
        value,
        host,
        port,
        protocol,
        maxBodyBytes,
        maxConcurrentRequests,
        requestTimeout,
        gracefulShutdown,
        blockingPoolSize,
        agents,
        advertisedHost,
        connections);
  }

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
