package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentHandle;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings.CapabilitySettings;
import dev.agentweave.mesh.config.MeshSettings.ConcurrencyLimitSettings;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
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

  void deliver(
      SpiffeId caller,
      String action,
      Object request,
      long deadlineNanos,
      String requestId,
      ReplySink sink) {
    meters.received();
    CapabilityRuntime cap = capabilities.get(action);
    MeshMeters.ActionMeters am =
        cap != null ? cap.authzMeters() : runtime.meters().undeclared(Direction.INBOUND);
    long acceptedAt = System.nanoTime();
    runtime.authorize(
        new AuthzRequest(caller, id, action, Direction.INBOUND),
        am,
        () -> {
          if (cap == null) {
            meters.failed(dev.agentweave.mesh.ErrorCode.NOT_FOUND);
            sink.fail(
                new NotFoundException(
                    "agent "
                        + id
                        + " has no capability '"
                        + Bounded.shown(action)
                        + "' (it has: "
                        + String.join(", ", capabilities.keySet())
                        + ")"));
            return;
          }
          cap.dispatch(caller, request, deadlineNanos, requestId, sink, acceptedAt);
        },
        denied -> {
          meters.failed(denied.code());
          sink.fail(denied);
        });
  }
}
