/**
 * How other modules add routes to a node's gateway: a {@link
 * dev.agentweave.mesh.http.spi.GatewayRouteProvider} found with {@link java.util.ServiceLoader}
 * makes a {@link dev.agentweave.mesh.http.spi.GatewayRoute}, which is offered every request the
 * gateway does not serve itself.
 */
package dev.agentweave.mesh.http.spi;
