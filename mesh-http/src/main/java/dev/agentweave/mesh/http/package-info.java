/**
 * The mutual-TLS gateway: Pekko HTTP server routes and the pooled client for cross-node calls. Not
 * built yet: until then every call is in-JVM (see docs/architecture.md).
 */
package dev.agentweave.mesh.http;
