package dev.agentweave.mesh.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sink of a {@code tell}: its stage completes when the call is accepted; later outcomes are not
 * reported to the caller (handler failures are logged and counted on the callee's node), only to
 * the pipeline's interceptors through {@link #outcome()}.
 */
final class TellSink implements ReplySink {
  final CompletableFuture<Void> acceptance = new CompletableFuture<>();
  private volatile CompletableFuture<Void> outcome;

  /**
   * Completes when the handler finished (or the call failed before it ran); made on first use, by
   * the pipeline before the call moves on.
   */
  CompletionStage<Void> outcome() {
    CompletableFuture<Void> o = outcome;
    if (o == null) {
      o = new CompletableFuture<>();
      outcome = o;
    }
    return o;
  }

  @Override
  public void accepted() {
    acceptance.complete(null);
  }

  @Override
  public void succeed(Object value) {
    acceptance.complete(null);
    CompletableFuture<Void> o = outcome;
    if (o != null) {
      o.complete(null);
    }
  }

  @Override
  public void fail(Throwable error) {
    acceptance.completeExceptionally(Failures.delivered(error));
    CompletableFuture<Void> o = outcome;
    if (o != null) {
      o.completeExceptionally(error);
    }
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
