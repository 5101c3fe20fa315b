package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.spi.InboundCalls;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** {@link InboundCalls} of one node. */
final class InboundCallsImpl implements InboundCalls {
  private final MeshRuntime runtime;

  InboundCallsImpl(MeshRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public CompletionStage<Object> call(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId) {
    requireNonNull(caller, "caller");
    requireNonNull(target, "target");
    requireNonNull(action, "action");
    requireNonNull(timeout, "timeout");
    CallFuture<Object> future = new CallFuture<>(runtime, Object.class, action);
    if (!runtime.acceptsCalls(false)) {
      future.fail(runtime.notAccepting());
      return future;
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    future.armCallerDeadline(deadline, target, timeout, false);
    deliver(caller, target, action, request, deadline, requestId, future);
    return future;
  }

  @Override
  public CompletionStage<Void> tell(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId) {
    requireNonNull(caller, "caller");
    requireNonNull(target, "target");
    requireNonNull(action, "action");
    requireNonNull(timeout, "timeout");
    TellSink sink = new TellSink();
    if (!runtime.acceptsCalls(false)) {
      sink.fail(runtime.notAccepting());
      return sink.acceptance;
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    deliver(caller, target, action, request, deadline, requestId, sink);
    return sink.acceptance;
  }

  private void deliver(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      long deadline,
      String requestId,
      ReplySink sink) {
    AgentRuntime agent = runtime.hosted(target);
    if (agent != null) {
      agent.deliver(caller, action, request, deadline, requestId, sink);
      return;
    }
    // Not hosted here: authorize first, so that an unauthorized caller learns nothing. Calls that
    // arrive from outside are never forwarded to a further node.
    runtime.authorize(
        new AuthzRequest(caller, target, action, Direction.INBOUND),
        runtime.meters().undeclared(Direction.INBOUND),
        () -> sink.fail(new NotFoundException("agent " + target + " is not hosted on this node")),
        sink::fail);
  }

  @Override
  public boolean isIdempotent(SpiffeId target, String action) {
    AgentRuntime agent = runtime.hosted(target);
    if (agent == null) {
      return false;
    }
    CapabilityRuntime cap = agent.capabilities().get(action);
    return cap != null && cap.capability().idempotent();
  }

  @Override
  public ObjectMapper json() {
    return runtime.json();
  }
}
