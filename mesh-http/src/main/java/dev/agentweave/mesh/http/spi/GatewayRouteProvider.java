package dev.agentweave.mesh.http.spi;

import dev.agentweave.mesh.spi.NodeContext;
import java.util.Optional;

/**
 * Makes a {@link GatewayRoute} for a node's gateway; found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.agentweave.mesh.http.spi.GatewayRouteProvider}) when the gateway
 * starts.
 */
public interface GatewayRouteProvider {
  /**
   * The routes for one node's gateway, made once when it starts.
   *
   * @param node the node; {@link NodeContext#advertisedGateway()} gives the gateway's URL as
   *     callers reach it once it is bound, which is before it serves a request
   * @return the routes, or empty when the node's configuration turns them off
   */
  Optional<GatewayRoute> create(NodeContext node);
}
