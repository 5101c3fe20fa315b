package dev.agentweave.mesh.a2a.internal;

import dev.agentweave.mesh.a2a.A2aSettings;
import dev.agentweave.mesh.http.spi.GatewayRoute;
import dev.agentweave.mesh.http.spi.GatewayRouteProvider;
import dev.agentweave.mesh.spi.NodeContext;
import java.util.Optional;

/** Adds the A2A routes to every node's gateway unless {@code a2a.enabled: false}. */
public final class A2aRouteProvider implements GatewayRouteProvider {
  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public A2aRouteProvider() {}

  @Override
  public Optional<GatewayRoute> create(NodeContext node) {
    A2aSettings settings = node.settings().section(A2aSettings.class);
    return settings.enabled() ? Optional.of(new A2aRoutes(node, settings)) : Optional.empty();
  }
}
