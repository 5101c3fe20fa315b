package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentHandle;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.AgentSettings.CapabilitySettings;
import dev.agentweave.mesh.config.TransportSettings.ConcurrencyLimitSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One hosted agent: its capability runtimes, its outbound limits, and its {@link AgentHandle}. */
public final class AgentRuntime implements AgentHandle {
  private final MeshRuntime runtime;
  private final Agent agent;
  private final SpiffeId id;
  private final Map<String, CapabilityRuntime> capabilities = new LinkedHashMap<>();
  private final ConcurrentHashMap<SpiffeId, Bulkhead> outboundLimits = new ConcurrentHashMap<>();
  private final MeshMeters.AgentMeters meters;
  private final Route.Local route = new Route.Local(this);

  AgentRuntime(MeshRuntime runtime, Agent agent, SpiffeId id, List<CapabilitySettings> overrides) {
    this.runtime = runtime;
    this.agent = agent;
    this.id = id;
    this.meters = runtime.meters().forAgent(agent.name());
    for (Capability<?, ?> c : agent.capabilities()) {
      CapabilitySettings o =
          overrides.stream().filter(x -> x.name().equals(c.name())).findFirst().orElse(null);
      capabilities.put(c.name(), new CapabilityRuntime(this, c, o));
    }
  }

  MeshRuntime runtime() {
    return runtime;
  }

  MeshMeters.AgentMeters meters() {
    return meters;
  }

  /** The route of calls to this agent (one value for the agent's life, not one per call). */
  Route.Local route() {
    return route;
  }

  @Override
  public SpiffeId spiffeId() {
    return id;
  }

  @Override
  public Agent agent() {
    return agent;
  }

  /** The capability runtimes, in declaration order. */
  public Map<String, CapabilityRuntime> capabilities() {
    return capabilities;
  }

  @Override
  public AgentRef ref(SpiffeId target) {
    return new AgentRefImpl(this, target, runtime.defaultTimeout(), 0L, null, false);
  }

  @Override
  public AgentRef ref(String target) {
    return ref(SpiffeId.parse(target));
  }

  /** The shared per-destination limit of calls made by this agent. */
  Bulkhead outboundLimit(SpiffeId target) {
    Bulkhead b = outboundLimits.get(target);
    if (b != null) {
      return b;
    }
    ConcurrencyLimitSettings s = runtime.settings().transport().concurrencyLimit();
    return outboundLimits.computeIfAbsent(
        target,
        t -> new Bulkhead("of " + agent.name() + " towards " + t, s.maxInFlight(), s.maxQueued()));
  }

  /** The names of the capabilities, in declaration order. */
  List<String> capabilityNames() {
    return List.copyOf(capabilities.keySet());
  }
}
