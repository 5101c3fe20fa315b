/**
 * The gateway's configuration: {@link dev.agentweave.mesh.http.config.GatewaySettings}, the keys of
 * the {@code server} section this module reads (ADR 0005).
 */
package dev.agentweave.mesh.http.config;
