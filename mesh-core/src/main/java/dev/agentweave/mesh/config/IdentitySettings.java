package dev.agentweave.mesh.config;

/**
 * The node's own key of the {@code identity} section: which identity provider (found with
 * ServiceLoader) gives the node its SVIDs. The keys of the providers themselves (the Workload API
 * address, the dev CA, the files, foreign trust bundles) are read by mesh-identity into {@code
 * dev.agentweave.mesh.identity.x509.config.X509IdentitySettings} (ADR 0005).
 *
 * @param provider {@code dev-ca}, {@code files} or {@code spiffe}
 */
public record IdentitySettings(String provider) {}
