package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.Completions;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;

/**
 * Which failures the mesh itself handed to a caller, and what a handler's failure or a missing
 * capability becomes for the caller.
 */
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

  /**
   * What a handler's failure becomes for its caller. Only a {@link CapabilityException} crosses to
   * the caller with its message (as a rejection); a {@link MeshException} the mesh handed the
   * handler (the outcome of an onward call) passes on unchanged; anything else, including a mesh
   * exception the handler made itself, is logged here and reported as an internal error without
   * details.
   */
  static MeshException handlerFailure(
      Throwable error,
      Logger logger,
      String capability,
      SpiffeId agent,
      String requestId,
      SpiffeId caller) {
    Throwable t = Completions.unwrap(error);
    if (t instanceof CapabilityException c) {
      return new HandlerRejectedException(String.valueOf(c.getMessage()));
    }
    if (Failures.isDelivered(t)) {
      return (MeshException) t;
    }
    if (t instanceof MeshException m) {
      logger.warn(
          "handler of '{}' failed with a {} it did not receive from the mesh (request {}, caller"
              + " {}): {}; reported as an internal error (throw CapabilityException to refuse a"
              + " request with a message)",
          capability,
          m.getClass().getSimpleName(),
          requestId,
          caller,
          m.getMessage());
    } else {
      logger.warn(
          "handler of '{}' failed (request {}, caller {})", capability, requestId, caller, t);
    }
    return new InternalErrorException(
        "'" + capability + "' of " + agent + " failed (request " + requestId + ")");
  }

  static NotFoundException noCapability(SpiffeId agent, String action, List<String> has) {
    return new NotFoundException(
        "agent "
            + agent
            + " has no capability '"
            + Bounded.shown(action)
            + "' (it has: "
            + String.join(", ", has)
            + ")");
  }
}
