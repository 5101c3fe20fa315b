package dev.agentweave.mesh;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A handle for calling one agent, wherever it runs, as a given calling agent. Obtained from {@link
 * AgentHandle#ref(SpiffeId)} outside handlers or {@link CallContext#ref(SpiffeId)} inside them.
 * Every call is authorized outbound here and inbound at the target; it fails its stage with a
 * {@link MeshException} subclass: {@link PermissionDeniedException}, {@link NotFoundException},
 * {@link DeadlineExceededException}, {@link OverloadedException}, {@link UnavailableException},
 * {@link HandlerRejectedException}, {@link InvalidRequestException} or {@link
 * InternalErrorException}.
 *
 * <p>Calls to one destination from one calling agent are limited ({@code
 * transport.concurrency_limit}): beyond the in-flight limit they wait, up to the queue bound, and
 * then fail as overloaded. Refs are immutable and thread-safe; methods never block.
 */
public interface AgentRef {
  /** The target agent. */
  SpiffeId target();

  /**
   * Calls a capability with this ref's timeout.
   *
   * @param action the capability name
   * @param request the request: the capability's request record or any value Jackson maps to it
   * @param responseType the type to map the response to
   * @param <R> the response type
   * @return the response
   */
  <R> CompletionStage<R> ask(String action, Object request, Class<R> responseType);

  /**
   * Calls a capability with an explicit timeout (bounded by an inherited deadline).
   *
   * @param action the capability name
   * @param request the request
   * @param responseType the type to map the response to
   * @param timeout how long to wait for the response
   * @param <R> the response type
   * @return the response
   */
  <R> CompletionStage<R> ask(
      String action, Object request, Class<R> responseType, Duration timeout);

  /**
   * Calls a {@linkplain Capability#streaming streaming} capability: sends a stream of bytes and
   * answers with the stream of bytes the capability returns. Across nodes both directions travel as
   * chunked HTTP without being held in memory; run the answered source soon (a remote response
   * stream is abandoned after {@code transport.timeout_seconds} without a subscriber).
   *
   * @param action the capability
   * @param request the bytes to send
   * @return the response's bytes; fails like {@link #ask(String, Object, Class)}
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  default CompletionStage<
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>>
      askStream(
          String action,
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> request) {
    CompletionStage<org.apache.pekko.stream.javadsl.Source> answer =
        ask(action, request, org.apache.pekko.stream.javadsl.Source.class);
    return answer.thenApply(
        s -> (org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>) s);
  }

  /**
   * Sends a request without waiting for the response. The stage completes when the target has
   * accepted the request (authorized and queued), or fails if it was not accepted. A handler that
   * later fails is logged and counted on the target's node.
   *
   * @param action the capability name
   * @param request the request
   * @return completes on acceptance
   */
  CompletionStage<Void> tell(String action, Object request);

  /**
   * Calls a capability once per request, all in parallel within this ref's concurrency limit, and
   * completes when every call has completed, with one outcome per request in the order given: the
   * counterpart of Python's {@code gather(..., return_exceptions=True)}. The stage itself never
   * fails.
   *
   * @param action the capability name
   * @param requests the requests
   * @param responseType the type to map responses to
   * @param <R> the response type
   * @return the outcomes, in request order
   */
  <R> CompletionStage<List<Outcome<R>>> askAll(
      String action, List<?> requests, Class<R> responseType);

  /**
   * A copy with another default timeout (still bounded by an inherited deadline).
   *
   * @param timeout a positive duration
   * @return the copy
   * @throws IllegalArgumentException if the timeout is not positive
   */
  AgentRef withTimeout(Duration timeout);

  /**
   * A copy with its own concurrency limit, the counterpart of wrapping calls in Python's {@code
   * asyncio.Semaphore(n)}: at most {@code maxInFlight} calls through the copy run at once, up to
   * {@code maxQueued} more wait, and further calls fail with {@link OverloadedException}. Copies
   * made from the returned ref share its limit.
   *
   * @param maxInFlight at least 1
   * @param maxQueued at least 0
   * @return the copy
   * @throws IllegalArgumentException if a bound is out of range
   */
  AgentRef withConcurrencyLimit(int maxInFlight, int maxQueued);
}
