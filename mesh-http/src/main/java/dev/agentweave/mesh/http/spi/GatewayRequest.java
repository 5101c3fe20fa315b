package dev.agentweave.mesh.http.spi;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * One request as the gateway offers it to a {@link GatewayRoute}: the HTTP request, the caller its
 * client certificate proves, and the gateway's own limits for reading its body. A route that takes
 * the request must either read the body through {@link #jsonBody} or drop it through {@link
 * #withoutBody}, so that the connection can serve the next request.
 */
public interface GatewayRequest {
  /** The HTTP request. */
  HttpRequest http();

  /** The caller: the SPIFFE ID of the client certificate, verified against the trust bundle. */
  SpiffeId caller();

  /** The request ID (the caller's {@code X-Request-Id} when valid, else a new one). */
  String requestId();

  /** The method, such as {@code GET}. */
  String method();

  /** The path's non-empty segments: {@code /agents/a/x} is {@code [agents, a, x]}. */
  List<String> segments();

  /**
   * The time the request may take: {@code server.request_timeout_seconds}, or less when the caller
   * asks for less with {@code X-AgentWeave-Timeout-Ms}.
   *
   * @throws dev.agentweave.mesh.InvalidRequestException when that header is not a positive whole
   *     number of milliseconds
   */
  Duration timeout();

  /**
   * Reads a JSON body with the gateway's limits and hands it on: a body that declares another media
   * type or a content coding is answered 415, one over {@code server.max_body_bytes} 413, one that
   * does not arrive in time 504, and a request beyond {@code server.max_concurrent_requests} 503,
   * each with the gateway's JSON error; {@code then} runs only with a whole body.
   *
   * @param timeout the time the body may take to arrive
   * @param then receives the body and the time left
   * @return the answer
   */
  CompletionStage<HttpResponse> jsonBody(
      Duration timeout, BiFunction<byte[], Duration, CompletionStage<HttpResponse>> then);

  /**
   * The gateway's JSON error answer for a failure: the status of its code, the body every gateway
   * route answers with ({@code {"error": {"code", "message", "request_id"}}}), and {@code
   * Retry-After} when the failure says when to retry.
   *
   * @param failure what went wrong
   * @return the answer
   */
  HttpResponse error(dev.agentweave.mesh.MeshException failure);

  /**
   * Drops the body, if any, and answers with what {@code answer} gives.
   *
   * @param answer the answer
   * @return the answer
   */
  CompletionStage<HttpResponse> withoutBody(Supplier<CompletionStage<HttpResponse>> answer);
}
