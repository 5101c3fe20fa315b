package dev.agentweave.mesh.config;

import java.time.Duration;
import java.util.List;

/**
 * The node's own keys of the {@code server} section: whether the node serves its gateway, how it
 * drains on stop, and what it hosts. The gateway's keys of the section (bind address, port, body
 * and connection limits) are read by mesh-http into its own record, {@code
 * dev.agentweave.mesh.http.config.GatewaySettings} (ADR 0005).
 *
 * @param enabled whether the node serves its gateway (with mesh-http on the class path)
 * @param gracefulShutdown how long a stopping node drains in-flight calls
 * @param blockingPoolSize threads of the dispatcher for blocking capabilities
 * @param agents the sample agents {@code agentweave node} hosts (all when empty)
 */
public record ServerSettings(
    boolean enabled, Duration gracefulShutdown, int blockingPoolSize, List<String> agents) {
  /** Copies the list. */
  public ServerSettings {
    agents = List.copyOf(agents);
  }

  /**
   * These settings with the gateway turned on or off.
   *
   * @param value whether the node serves its gateway
   * @return the copy
   */
  public ServerSettings withEnabled(boolean value) {
    return new ServerSettings(value, gracefulShutdown, blockingPoolSize, agents);
  }
}
