package dev.agentweave.mesh.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The sink of a {@code tell}: its stage completes when the call is accepted; later outcomes are not
 * reported to the caller (handler failures are logged and counted on the callee's node).
 */
final class TellSink implements ReplySink {
  final CompletableFuture<Void> acceptance = new CompletableFuture<>();

  @Override
  public void accepted() {
    acceptance.complete(null);
  }

  @Override
  public void succeed(Object value) {
    acceptance.complete(null);
  }

  @Override
  public void fail(Throwable error) {
    acceptance.completeExceptionally(error);
  }

  @Override
  public boolean abandoned() {
    return false;
  }

  @Override
  public void armDeadline(long deadlineNanos, String message) {
    // A tell is bounded by the envelope deadline checked when its handler would start.
  }
}
