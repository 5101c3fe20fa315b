package dev.agentweave.mesh.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting for a call that must fail. */
final class Failures {
  private Failures() {}

  /** The failure of a call, waiting up to 30 seconds; an assertion error if it succeeds. */
  static Throwable of(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }
}
