/**
 * The gateway: a Pekko HTTP server that accepts only mutual-TLS connections from agents whose SVIDs
 * verify, and (as it grows) the pooled client for cross-node calls. Today it serves {@code GET
 * /health/live}, {@code GET /health/ready} and {@code GET /whoami}.
 */
package dev.agentweave.mesh.http;
