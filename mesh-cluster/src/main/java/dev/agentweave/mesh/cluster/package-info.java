/**
 * Pekko Cluster integration. Built: Pekko remoting over TLS authenticated with SPIFFE node
 * identities ({@link dev.agentweave.mesh.cluster.SpiffeRemotingTls}). Being built: cluster
 * formation from {@code cluster:} config, the agent directory across nodes, sharded keyed agents
 * (see docs/cluster.md).
 */
package dev.agentweave.mesh.cluster;
