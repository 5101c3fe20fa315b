/**
 * The Agent2Agent (A2A) protocol on a node's gateway: every hosted agent's card at {@code
 * /agents/{agent}/.well-known/agent-card.json} (and the node's default agent's at {@code
 * /.well-known/agent-card.json}), and the JSON-RPC binding at {@code /agents/{agent}/a2a}, in the
 * protocol's versions 0.3 and 1.0. See docs/a2a.md.
 */
package dev.agentweave.mesh.a2a;
