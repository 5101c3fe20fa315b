/**
 * Service provider interfaces through which other modules plug into a node: authorization now,
 * remote transport and the agent directory as they arrive.
 */
package dev.agentweave.mesh.spi;
