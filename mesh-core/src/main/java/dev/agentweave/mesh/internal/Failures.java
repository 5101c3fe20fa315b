package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.MeshException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionException;

/** Helpers for failures that arrive through completion stages. */
public final class Failures {
  /**
   * The mesh exceptions the mesh handed to a caller (weakly held, by identity: a {@link
   * Throwable}'s equality is its identity). A handler that fails with one of them passes on the
   * outcome of an onward call; any other mesh exception a handler throws is its own invention and
   * reaches its caller as an internal error.
   */
  private static final Set<Throwable> DELIVERED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private Failures() {}

  /**
   * Marks a failure the mesh hands to a caller (the outcome of an {@code ask}, a {@code tell}'s
   * refusal, a keyed agent's routing).
   *
   * @param error the failure
   * @return {@code error}
   */
  static <T extends Throwable> T delivered(T error) {
    Throwable t = unwrap(error);
    if (t instanceof MeshException) {
      DELIVERED.add(t);
    }
    return error;
  }

  /**
   * Whether the mesh handed this failure to a caller.
   *
   * @param error the failure, unwrapped
   * @return true for a mesh exception the mesh delivered
   */
  static boolean isDelivered(Throwable error) {
    return error instanceof MeshException && DELIVERED.contains(error);
  }

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
