/**
 * The node: {@link dev.agentweave.mesh.node.MeshNode} hosts agents, starts the modules found on the
 * class path and stops them in order. Everything a node hosts and calls is described by the types
 * of {@link dev.agentweave.mesh}; this package depends on every other package of mesh-core, and
 * none of them depends on it.
 */
package dev.agentweave.mesh.node;
