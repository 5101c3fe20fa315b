/**
 * X.509 identity sources and TLS: the development CA, watched PEM files and the SPIFFE Workload API
 * as {@link dev.agentweave.mesh.identity.IdentitySource}s, PEM reading and writing, SPIFFE
 * certificate checks, and the TLS contexts that authenticate peers by SPIFFE ID. A node finds these
 * sources through {@link dev.agentweave.mesh.spi.IdentityProvider}; this module on the classpath is
 * enough.
 */
package dev.agentweave.mesh.identity.x509;
