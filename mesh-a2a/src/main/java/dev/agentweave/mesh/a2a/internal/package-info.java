/** The A2A module's implementation: not an API. */
package dev.agentweave.mesh.a2a.internal;
