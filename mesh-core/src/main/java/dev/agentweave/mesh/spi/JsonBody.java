package dev.agentweave.mesh.spi;

/**
 * A request that a transport received as JSON bytes: {@link InboundCalls} reads it straight into
 * the capability's request type, in one pass.
 *
 * @param json the JSON text, UTF-8
 */
public record JsonBody(byte[] json) {}
