/**
 * Identities: SPIFFE trust domains, X.509 SVIDs and bundles, the identity sources that provide and
 * rotate them, and TLS contexts that authenticate peers by SPIFFE ID.
 */
package dev.agentweave.mesh.identity;
