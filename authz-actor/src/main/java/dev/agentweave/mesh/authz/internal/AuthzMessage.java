package dev.agentweave.mesh.authz.internal;

/** Marker of the authorization coordinator's messages; serialized with Jackson CBOR. */
public interface AuthzMessage {}
