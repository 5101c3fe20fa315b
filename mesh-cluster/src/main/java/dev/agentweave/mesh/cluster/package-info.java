/**
 * Pekko Cluster integration: formation, the agent directory across nodes, sharded keyed agents. Not
 * built yet: until then a node is a single JVM (see docs/architecture.md).
 */
package dev.agentweave.mesh.cluster;
