package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.CallContext;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/** The context of one call, handed to its handler. */
final class CallContextImpl implements CallContext {
  private final CapabilityRuntime capability;
  private final PipelineCall call;
  private final long deadlineNanos;

  CallContextImpl(CapabilityRuntime capability, PipelineCall call, long deadlineNanos) {
    this.capability = capability;
    this.call = call;
    this.deadlineNanos = deadlineNanos;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public SpiffeId caller() {
    return call.caller;
  }

  @Override
  public SpiffeId self() {
    return capability.agent().spiffeId();
  }

  @Override
  public String action() {
    return capability.name();
  }

  @Override
  public String requestId() {
    return call.requestId();
  }

  @Override
  public Instant deadline() {
    return Instant.now().plusNanos(deadlineNanos - System.nanoTime());
  }

  @Override
  public Duration remaining() {
    long left = deadlineNanos - System.nanoTime();
    return Duration.ofNanos(Math.max(0, left));
  }

  @Override
  public Logger logger() {
    return capability.logger();
  }

  @Override
  public Metrics metrics() {
    return capability.agent().runtime().metrics();
  }

  @Override
  public AgentRef ref(SpiffeId target) {
    AgentRuntime self = capability.agent();
    return new AgentRefImpl(
        self, target, self.runtime().defaultTimeout(), deadlineNanos, null, true);
  }

  @Override
  public AgentRef ref(String target) {
    return ref(SpiffeId.parse(target));
  }

  @Override
  public String toString() {
    return "CallContext["
        + call.caller
        + " -> "
        + self()
        + " "
        + action()
        + " "
        + requestId()
        + "]";
  }
}
