package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Outcome;
import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The {@link AgentRef} of an agent hosted here: an entrance to the {@link CallPipeline}, which
 * applies the deadline, the concurrency limit, resolution and outbound authorization.
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
    runtime
        .pipeline()
        .outbound(
            caller,
            target,
            action,
            request,
            callTimeout,
            inheritedDeadline,
            ownLimit,
            fromHandler,
            future);
    return future;
  }

  @Override
  public CompletionStage<Void> tell(String action, Object request) {
    requireNonNull(action, "action");
    TellSink sink = new TellSink();
    caller
        .runtime()
        .pipeline()
        .outbound(
            caller, target, action, request, timeout, inheritedDeadline, null, fromHandler, sink);
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
