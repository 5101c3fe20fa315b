package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.support.Completions;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/** Which failures the mesh itself handed to a caller. */
final class Failures {
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
    Throwable t = Completions.unwrap(error);
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
}
