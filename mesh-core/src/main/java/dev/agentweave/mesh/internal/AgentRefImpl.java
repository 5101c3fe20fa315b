package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.Outcome;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The local {@link AgentRef}: deadline, concurrency limit, outbound authorization, then delivery
 * into the target's capability on this node.
 */
final class AgentRefImpl implements AgentRef {
  private final AgentRuntime caller;
  private final SpiffeId target;
  private final Duration timeout;
  private final long inheritedDeadline;
  private final Bulkhead ownLimit;
  private final boolean fromHandler;

  AgentRefImpl(
      AgentRuntime caller,
      SpiffeId target,
      Duration timeout,
      long inheritedDeadline,
      Bulkhead ownLimit,
      boolean fromHandler) {
    this.caller = caller;
    this.target = requireNonNull(target, "target");
    this.timeout = timeout;
    this.inheritedDeadline = inheritedDeadline;
    this.ownLimit = ownLimit;
    this.fromHandler = fromHandler;
  }

  @Override
  public SpiffeId target() {
    return target;
  }

  @Override
  public <R> CompletionStage<R> ask(String action, Object request, Class<R> responseType) {
    return ask(action, request, responseType, timeout);
  }

  @Override
  public <R> CompletionStage<R> ask(
      String action, Object request, Class<R> responseType, Duration callTimeout) {
    requireNonNull(action, "action");
    requireNonNull(responseType, "responseType");
    requireNonNull(callTimeout, "timeout");
    MeshRuntime runtime = caller.runtime();
    CallFuture<R> future = new CallFuture<>(runtime, responseType, action);
    if (!runtime.acceptsCalls(fromHandler)) {
      future.fail(runtime.notAccepting());
      return future;
    }
    long now = System.nanoTime();
    long deadline = now + callTimeout.toNanos();
    boolean inherited = false;
    if (inheritedDeadline != 0 && inheritedDeadline - deadline < 0) {
      deadline = inheritedDeadline;
      inherited = true;
    }
    if (deadline - now <= 0) {
      future.fail(
          new DeadlineExceededException(
              "no time left to call '"
                  + action
                  + "' on "
                  + target
                  + " (inherited deadline passed)"));
      return future;
    }
    future.armCallerDeadline(deadline, target, callTimeout, inherited);
    Bulkhead limit = ownLimit != null ? ownLimit : caller.outboundLimit(target);
    long finalDeadline = deadline;
    OverloadedException refused =
        limit.acquire(
            () -> {
              if (future.permitGranted(limit)) {
                send(action, request, finalDeadline, future);
              }
            });
    if (refused != null) {
      future.fail(refused);
    }
    return future;
  }

  private void send(String action, Object request, long deadline, ReplySink sink) {
    MeshRuntime runtime = caller.runtime();
    runtime.authorize(
        MeshRuntime.outbound(caller.spiffeId(), target, action),
        runtime.meters().actionMeters(Direction.OUTBOUND, action),
        () ->
            runtime.deliver(
                caller.spiffeId(), target, action, request, deadline, null, fromHandler, sink),
        sink::fail);
  }

  @Override
  public CompletionStage<Void> tell(String action, Object request) {
    requireNonNull(action, "action");
    MeshRuntime runtime = caller.runtime();
    TellSink sink = new TellSink();
    if (!runtime.acceptsCalls(fromHandler)) {
      sink.fail(runtime.notAccepting());
      return sink.acceptance;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (inheritedDeadline != 0 && inheritedDeadline - deadline < 0) {
      deadline = inheritedDeadline;
    }
    send(action, request, deadline, sink);
    return sink.acceptance;
  }

  @Override
  public <R> CompletionStage<List<Outcome<R>>> askAll(
      String action, List<?> requests, Class<R> responseType) {
    requireNonNull(requests, "requests");
    List<CompletionStage<R>> stages = new ArrayList<>(requests.size());
    for (Object r : requests) {
      stages.add(ask(action, r, responseType));
    }
    return Outcome.all(stages);
  }

  @Override
  public AgentRef withTimeout(Duration value) {
    requireNonNull(value, "timeout");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeout: " + value + " (expected: > 0)");
    }
    return new AgentRefImpl(caller, target, value, inheritedDeadline, ownLimit, fromHandler);
  }

  @Override
  public AgentRef withConcurrencyLimit(int maxInFlight, int maxQueued) {
    Bulkhead limit =
        new Bulkhead(
            "of a ref from " + caller.agent().name() + " to " + target, maxInFlight, maxQueued);
    return new AgentRefImpl(caller, target, timeout, inheritedDeadline, limit, fromHandler);
  }

  @Override
  public String toString() {
    return "AgentRef[" + caller.spiffeId() + " -> " + target + "]";
  }
}
