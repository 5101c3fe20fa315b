package dev.agentweave.mesh.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The node's entry point for transports: a call that arrived from outside this process (the
 * gateway, a cluster peer) enters here with the caller's authenticated identity and follows the
 * same path as a local call: admission (a draining node refuses new calls), inbound authorization,
 * the capability's mailbox, limits and deadline. An unknown agent or capability is reported only
 * after authorization allowed the call, so its existence does not leak to unauthorized callers.
 * Obtained from {@link dev.agentweave.mesh.node.MeshNode#inbound()}. Thread-safe.
 */
public interface InboundCalls {
  /**
   * Delivers one call.
   *
   * @param caller the caller, as authenticated by the transport (its certificate)
   * @param target the agent called
   * @param action the capability
   * @param request the request: an object of the capability's request type, a Jackson {@link
   *     com.fasterxml.jackson.databind.JsonNode} or a {@link JsonBody} mapped to it (a mapping
   *     failure is an {@link dev.agentweave.mesh.InvalidRequestException} naming the field)
   * @param timeout the time the call has left
   * @param requestId the caller's request ID for logs, or {@code null}
   * @return the handler's response as JSON, written with the node's mapping (a response that cannot
   *     be written fails the call as an internal error); fails with a {@link
   *     dev.agentweave.mesh.MeshException}
   */
  CompletionStage<byte[]> call(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId);

  /**
   * Delivers one call of a streaming capability: the request's bytes go to the handler as they
   * arrive, and its response's bytes go back as the handler produces them.
   *
   * @param caller the caller, as authenticated by the transport
   * @param target the agent called
   * @param action the streaming capability
   * @param request the request's bytes
   * @param timeout the time the call has left to start answering
   * @param requestId the caller's request ID, or {@code null}
   * @return the response's bytes; fails with a {@link dev.agentweave.mesh.MeshException}
   */
  CompletionStage<org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>>
      stream(
          SpiffeId caller,
          SpiffeId target,
          String action,
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> request,
          Duration timeout,
          String requestId);

  /**
   * Delivers one call whose outcome the caller does not wait for.
   *
   * @param caller the caller, as authenticated by the transport
   * @param target the agent called
   * @param action the capability
   * @param request the request (as for {@link #call})
   * @param timeout the time the call has left
   * @param requestId the caller's request ID, or {@code null}
   * @return completes when the call is accepted into the capability's mailbox; fails with a {@link
   *     dev.agentweave.mesh.MeshException} if it is not
   */
  CompletionStage<Void> tell(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId);

  /**
   * Whether a capability hosted here is declared idempotent (running it twice has the effect of
   * running it once), so that a caller may retry it after failures that leave unclear whether it
   * ran.
   *
   * @param target the agent
   * @param action the capability
   * @return true only for a hosted agent's capability declared idempotent
   */
  boolean isIdempotent(SpiffeId target, String action);

  /**
   * The node's strict JSON mapper (unknown fields and duplicate keys refused), for a transport that
   * reads a request's envelope itself before it hands the request's fields to {@link #call} (the
   * gateway's {@code POST /task}). The requests and answers themselves are encoded by the node.
   *
   * @return the mapper; do not reconfigure it
   */
  ObjectMapper json();
}
