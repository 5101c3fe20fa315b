package dev.agentweave.mesh.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One accepted call on its way to a capability actor: the context, the mapped request, where the
 * outcome goes and when the call was accepted. Finished exactly once.
 */
final class Envelope implements CapabilityActor.Command {
  private static final AtomicIntegerFieldUpdater<Envelope> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(Envelope.class, "finished");

  final CallContextImpl ctx;
  final Object request;
  final ReplySink sink;
  final long acceptedAtNanos;

  @SuppressWarnings("unused") // accessed through FINISHED
  private volatile int finished;

  Envelope(CallContextImpl ctx, Object request, ReplySink sink, long acceptedAtNanos) {
    this.ctx = ctx;
    this.request = request;
    this.sink = sink;
    this.acceptedAtNanos = acceptedAtNanos;
  }

  /** True for the one caller that gets to finish the envelope. */
  boolean markFinished() {
    return FINISHED.compareAndSet(this, 0, 1);
  }
}
