package dev.agentweave.mesh.internal;

import java.util.concurrent.CompletionException;

/** Helpers for failures that arrive through completion stages. */
public final class Failures {
  private Failures() {}

  /**
   * The failure inside the {@link CompletionException}s a completion stage wrapped it in.
   *
   * @param error a failure from a stage
   * @return the innermost cause that is not a wrapping {@link CompletionException}
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
