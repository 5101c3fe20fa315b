package dev.agentweave.mesh.http;

import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.NodeExtension;

/**
 * Plugs mesh-http into every node (found with {@link java.util.ServiceLoader}): installs the pooled
 * mutual-TLS {@link GatewayClient} as the node's transport to agents of other nodes, and, unless
 * {@code server.enabled: false}, binds the node's {@link Gateway} on {@code server.host}:{@code
 * server.port}. Both are registered with the node: {@code node.component(Gateway.class)}, {@code
 * node.component(GatewayClient.class)}.
 */
public final class GatewayExtension implements NodeExtension {
  /** Creates the extension (for {@link java.util.ServiceLoader}). */
  public GatewayExtension() {}

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public void started(NodeContext node) {
    node.register(GatewayClient.class, GatewayClient.start(node));
    if (node.settings().server().enabled()) {
      node.register(Gateway.class, Gateway.start(node));
    }
  }
}
