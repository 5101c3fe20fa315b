/**
 * The identity module's configuration: {@link
 * dev.agentweave.mesh.identity.x509.config.X509IdentitySettings}, the keys of the {@code identity}
 * section this module reads (ADR 0005).
 */
package dev.agentweave.mesh.identity.x509.config;
