/** Reading A2A agent cards from outside a node: their signatures. See docs/a2a.md. */
package dev.agentweave.mesh.a2a.card;
