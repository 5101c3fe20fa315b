package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.CallInfo;
import dev.agentweave.mesh.spi.CallOrigin;

/**
 * One call on its way through the {@link CallPipeline}: what the entrance knew (origin, caller,
 * target, action, request, where the outcome goes) and what the stages decide (deadline, route).
 * Each stage hands the call to the next; a call is moved on by one thread at a time. The handler's
 * {@link CallContextImpl} reads the caller and the request ID from here, so interceptors and the
 * handler see the same ID.
 */
final class PipelineCall implements CallInfo, Runnable {
  final CallPipeline pipeline;
  final CallOrigin origin;
  final SpiffeId caller;
  final SpiffeId target;
  final String action;
  final Object request;
  final boolean tell;
  final ReplySink sink;

  /** The caller's future for an ask (its deadline and permit), else {@code null}. */
  final CallFuture<?> future;

  long deadlineNanos;
  Bulkhead limit;
  Route route;
  private volatile String requestId;

  PipelineCall(
      CallPipeline pipeline,
      CallOrigin origin,
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      String requestId,
      ReplySink sink) {
    this.pipeline = pipeline;
    this.origin = origin;
    this.caller = caller;
    this.target = target;
    this.action = action;
    this.request = request;
    this.requestId = requestId;
    this.sink = sink;
    this.tell = sink instanceof TellSink;
    this.future = sink instanceof CallFuture<?> f ? f : null;
  }

  @Override
  public CallOrigin origin() {
    return origin;
  }

  @Override
  public SpiffeId caller() {
    return caller;
  }

  @Override
  public SpiffeId target() {
    return target;
  }

  @Override
  public String action() {
    return action;
  }

  @Override
  public String requestId() {
    String id = requestId;
    if (id != null) {
      return id;
    }
    synchronized (this) {
      // Made on first use only: most calls never read their id.
      if (requestId == null) {
        requestId = RequestIds.format(RequestIds.next());
      }
      return requestId;
    }
  }

  /** The limit granted a permit: the call goes on to resolution (unless its caller gave up). */
  @Override
  public void run() {
    if (future.permitGranted(limit)) {
      pipeline.resolve(this);
    }
  }

  @Override
  public String toString() {
    return "Call[" + origin + " " + caller + " -> " + target + " '" + action + "']";
  }
}
