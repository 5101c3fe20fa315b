/**
 * The gateway: a mutual-TLS-only HTTP server ({@link dev.agentweave.mesh.http.Gateway}) with its
 * own connection layer (limits per address and in all, handshake, first-request and idle timeouts,
 * a drain on stop), the task routes, the internal call endpoint, health, {@code /whoami} and an
 * authorized {@code /metrics}; and the pooled client ({@link
 * dev.agentweave.mesh.http.GatewayClient}) that remote {@code AgentRef}s use. See docs/gateway.md.
 */
package dev.agentweave.mesh.http;
