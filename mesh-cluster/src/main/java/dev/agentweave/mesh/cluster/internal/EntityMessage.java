package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.spi.EntityCall;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages of keyed entities that cross nodes, serialized by {@link EntitySerializer}: a call
 * with where to answer, and the answer.
 */
public sealed interface EntityMessage permits EntityMessage.Request, EntityMessage.Reply {

  /**
   * A call for an entity.
   *
   * @param call the call, with the authenticated caller
   * @param replyTo where the answer goes
   */
  record Request(EntityCall call, ActorRef<Reply> replyTo)
      implements EntityMessage, KeyedEntity.Command {}

  /**
   * The answer of an entity: the response as JSON, or a failure's code and message.
   *
   * @param body the response as JSON, or {@code null} on failure
   * @param errorCode the failure's wire code, or {@code null} on success
   * @param message the failure's message, or {@code null} on success
   * @param retryAfterMillis for an overloaded failure, when to retry
   * @param notRun true when the handler never started (the call may be sent again safely)
   */
  record Reply(byte[] body, String errorCode, String message, long retryAfterMillis, boolean notRun)
      implements EntityMessage {

    /** A success. */
    static Reply ok(byte[] body) {
      return new Reply(body, null, null, 0, false);
    }
  }
}
