/** Node settings read from an AgentWeave config.yaml. */
package dev.agentweave.mesh.config;
