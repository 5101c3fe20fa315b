/**
 * Authorization: policy engines ({@link dev.agentweave.mesh.authz.CedarPolicyEngine}), the node's
 * {@link dev.agentweave.mesh.authz.DecisionCache} with invalidation and statistics, the {@link
 * dev.agentweave.mesh.authz.CachingAuthorizer} that ties them together, and the {@link
 * dev.agentweave.mesh.authz.AuditLog}. The cluster-singleton coordination of the cache across nodes
 * and the OPA engines are being built (see docs/authorization.md).
 */
package dev.agentweave.mesh.authz;
