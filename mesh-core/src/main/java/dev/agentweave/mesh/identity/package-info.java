/**
 * Identity value types: SPIFFE trust domains, X.509 SVIDs and bundles, and the {@link
 * dev.agentweave.mesh.identity.IdentitySource} that provides and rotates them. The sources
 * themselves (dev CA, files, SPIFFE Workload API) and the TLS contexts live in the module {@code
 * dev.agentweave:mesh-identity}, package {@code dev.agentweave.mesh.identity.x509}.
 */
package dev.agentweave.mesh.identity;
