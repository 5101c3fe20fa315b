package dev.agentweave.mesh.config;

import dev.agentweave.mesh.config.MeshSettings.Environment;
import java.time.Duration;
import java.util.List;

/**
 * The {@code agent} section.
 *
 * @param name the node's default agent
 * @param trustDomain the trust domain of the node's agents
 * @param description free text
 * @param environment the deployment environment
 * @param capabilities per-capability overrides of options declared in code
 */
public record AgentSettings(
    String name,
    String trustDomain,
    String description,
    Environment environment,
    List<CapabilitySettings> capabilities) {
  /**
   * One item of {@code agent.capabilities}: overrides for a capability of the default agent.
   *
   * @param name the capability
   * @param description shown in agent cards
   * @param inputModes accepted media types
   * @param outputModes produced media types
   * @param timeout overrides the declared timeout, or {@code null}
   * @param maxInFlight overrides the declared in-flight limit, or 0
   * @param mailboxCapacity overrides the declared mailbox capacity, or 0
   */
  public record CapabilitySettings(
      String name,
      String description,
      List<String> inputModes,
      List<String> outputModes,
      Duration timeout,
      int maxInFlight,
      int mailboxCapacity) {}
}
