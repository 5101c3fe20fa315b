/**
 * The public API of AgentWeave for the JVM: agents and capabilities ({@link
 * dev.agentweave.mesh.Agent}, {@link dev.agentweave.mesh.Capability}), calls ({@link
 * dev.agentweave.mesh.AgentRef}, {@link dev.agentweave.mesh.CallContext}), nodes ({@link
 * dev.agentweave.mesh.node.MeshNode}), identities ({@link dev.agentweave.mesh.SpiffeId}), metrics
 * and the typed errors rooted at {@link dev.agentweave.mesh.MeshException}.
 */
package dev.agentweave.mesh;
