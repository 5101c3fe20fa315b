package dev.agentweave.mesh.internal;

/**
 * A response that arrived as JSON bytes (from another node); the caller's future reads it straight
 * into the response type it asked for.
 *
 * @param bytes the JSON
 */
record RawJson(byte[] bytes) {}
