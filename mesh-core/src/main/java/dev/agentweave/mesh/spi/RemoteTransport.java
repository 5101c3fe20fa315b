package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How a node reaches agents it does not host: mesh-http's pooled mutual-TLS client implements it.
 * The node's call pipeline resolves the target once, before outbound authorization, and hands the
 * transport a {@link RemoteRoute} with the gateways to use; the transport does not look the agent
 * up itself. An {@link dev.agentweave.mesh.AgentRef} to such an agent keeps its API and semantics:
 * outbound authorization, limits and deadlines apply on the calling node before the transport
 * sends, and the receiving node authorizes the call again. Requests and responses travel as JSON
 * bytes encoded with the node's mapping. Failures are {@link dev.agentweave.mesh.MeshException}s of
 * the same types a local call fails with. Thread-safe.
 */
public interface RemoteTransport {
  /**
   * Sends a call and returns the response.
   *
   * @param route where the agent runs
   * @param caller the calling agent (the transport authenticates as it)
   * @param action the capability
   * @param request the request as JSON
   * @param timeout the time the call has left; the receiving node gets the rest of it
   * @param requestId the request ID for logs on both nodes
   * @return the response as JSON bytes
   */
  CompletionStage<byte[]> ask(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      Duration timeout,
      String requestId);

  /**
   * Sends a call whose outcome the caller does not wait for.
   *
   * @param route where the agent runs
   * @param caller the calling agent
   * @param action the capability
   * @param request the request as JSON
   * @param timeout the time the call has left
   * @param requestId the request ID
   * @return completes when the receiving node accepted the call into the capability's mailbox
   */
  CompletionStage<Void> tell(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      Duration timeout,
      String requestId);

  /**
   * Sends a call of a streaming capability: the request's bytes go out as they are produced, and
   * the response's bytes arrive as the returned source is consumed. Not retried (a stream can be
   * sent once).
   *
   * @param route where the agent runs
   * @param caller the calling agent
   * @param action the capability
   * @param request the request's bytes
   * @param timeout the time the call has left to start answering
   * @param requestId the request ID
   * @return the response's bytes
   */
  default CompletionStage<
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>>
      stream(
          RemoteRoute route,
          SpiffeId caller,
          String action,
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> request,
          Duration timeout,
          String requestId) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new dev.agentweave.mesh.UnavailableException(
            "this transport does not carry streaming capabilities"));
  }
}
