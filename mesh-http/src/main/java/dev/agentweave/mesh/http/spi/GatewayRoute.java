package dev.agentweave.mesh.http.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Routes that another module adds to a node's gateway, such as the A2A protocol's agent cards and
 * JSON-RPC endpoint. The gateway offers every request from a caller with a verified client
 * certificate to its own routes first and then to these, in the order their {@link
 * GatewayRouteProvider providers} were found; the first that answers serves it. A request no route
 * takes is answered 404.
 *
 * <p>Implementations must be thread-safe and must not block: an answer that takes time is a stage
 * completed later.
 */
public interface GatewayRoute {
  /**
   * Serves a request if it is this route's.
   *
   * @param request the request, its verified caller and its body's limits
   * @return the answer, or empty when the request is not this route's (the gateway then tries the
   *     next route); a failed stage is answered 500 and logged
   */
  Optional<CompletionStage<HttpResponse>> serve(GatewayRequest request);
}
