package dev.agentweave.mesh.support;

import java.util.concurrent.CompletionException;

/**
 * Failures as they arrive through {@link java.util.concurrent.CompletionStage}s. An {@code ask}'s
 * stage fails with the mesh's exception itself, but a stage derived from it with {@code thenApply}
 * or {@code thenCompose} wraps that exception in a {@link CompletionException}; code that decides
 * by the kind of failure unwraps first. Stateless.
 */
public final class Completions {
  private Completions() {}

  /**
   * The failure inside the {@link CompletionException}s a completion stage wrapped it in.
   *
   * @param error a failure from a stage
   * @return the innermost cause that is not a wrapping {@link CompletionException}; {@code error}
   *     itself when it is not wrapped
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
