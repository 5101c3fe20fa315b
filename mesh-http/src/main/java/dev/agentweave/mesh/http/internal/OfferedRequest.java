package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.spi.GatewayRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** A request offered to the routes of other modules, with the gateway's body limits. */
final class OfferedRequest implements GatewayRequest {
  private final RequestBodies bodies;
  private final HttpRequest request;
  private final SpiffeId caller;
  private final String requestId;
  private final String method;
  private final List<String> segments;
  private final Duration maxTimeout;

  OfferedRequest(
      RequestBodies bodies,
      HttpRequest request,
      SpiffeId caller,
      String requestId,
      String method,
      List<String> segments,
      Duration maxTimeout) {
    this.bodies = bodies;
    this.request = request;
    this.caller = caller;
    this.requestId = requestId;
    this.method = method;
    this.segments = List.copyOf(segments);
    this.maxTimeout = maxTimeout;
  }

  @Override
  public HttpRequest http() {
    return request;
  }

  @Override
  public SpiffeId caller() {
    return caller;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public List<String> segments() {
    return segments;
  }

  @Override
  public Duration timeout() {
    return WireProtocol.timeout(request, maxTimeout);
  }

  @Override
  public CompletionStage<HttpResponse> jsonBody(
      Duration timeout, BiFunction<byte[], Duration, CompletionStage<HttpResponse>> then) {
    Optional<HttpResponse> unsupported = bodies.unsupportedJson(request, requestId);
    if (unsupported.isPresent()) {
      return CompletableFuture.completedFuture(unsupported.get());
    }
    return bodies.admitted(
        request, requestId, true, () -> bodies.strict(request.entity(), timeout, requestId, then));
  }

  @Override
  public HttpResponse error(dev.agentweave.mesh.MeshException failure) {
    return WireProtocol.error(failure, requestId);
  }

  @Override
  public CompletionStage<HttpResponse> withoutBody(Supplier<CompletionStage<HttpResponse>> answer) {
    bodies.discard(request);
    return answer.get();
  }
}
