package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.spi.EntityCall;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages of keyed entities that cross nodes, serialized by {@link EntitySerializer}: a call
 * with its call ID and where to answer, and the answer.
 *
 * <p>Cluster Sharding delivers at most once (a message that reaches a shard while it hands off to
 * another node is dropped), so the sending node sends a call again, with the same call ID, while it
 * has no answer; the entity runs each call ID once and answers a repeat with {@link
 * Outcome#PENDING} or with the answer it already gave.
 */
public sealed interface EntityMessage permits EntityMessage.Request, EntityMessage.Reply {

  /**
   * A call for an entity.
   *
   * @param call the call, with the authenticated caller
   * @param callId identifies the call across repeats; unique per call
   * @param runIfUnknown whether an entity that never got this call may run it; false once an entity
   *     confirmed the call and the capability is not idempotent, so that a call whose entity was
   *     lost mid-run does not run twice
   * @param replyTo where the answer goes (the sending node's {@link KeyedCalls} actor)
   */
  record Request(
      EntityCall call, String callId, boolean runIfUnknown, ActorRef<KeyedCalls.Command> replyTo)
      implements EntityMessage, KeyedEntity.Command {}

  /** What became of a call. */
  enum Outcome {
    /** The handler answered; the body is the response. */
    OK,
    /** The call failed; the code and message say why. */
    FAILED,
    /** The entity stopped before the handler started; the call may be sent again. */
    NOT_RUN,
    /** The entity has the call, waiting or running; the answer will follow. */
    PENDING,
    /** The entity never got the call and was not allowed to run it. */
    UNKNOWN
  }

  /**
   * The answer of an entity.
   *
   * @param callId the call's ID
   * @param outcome what became of the call
   * @param body the response as JSON for {@link Outcome#OK}, else {@code null}
   * @param errorCode the failure's wire code for {@link Outcome#FAILED} and {@link
   *     Outcome#NOT_RUN}, else {@code null}
   * @param message the failure's message, or {@code null}
   * @param retryAfterMillis for an overloaded failure, when to retry
   */
  record Reply(
      String callId,
      Outcome outcome,
      byte[] body,
      String errorCode,
      String message,
      long retryAfterMillis)
      implements EntityMessage, KeyedCalls.Command {

    /** A success. */
    static Reply ok(String callId, byte[] body) {
      return new Reply(callId, Outcome.OK, body, null, null, 0);
    }

    /** An answer without a body or failure. */
    static Reply of(String callId, Outcome outcome) {
      return new Reply(callId, outcome, null, null, null, 0);
    }
  }
}
