/**
 * Authorization for the mesh: the cluster-singleton authorization actor, the Caffeine decision
 * cache and node-local near caches, and the policy engines (Cedar, OPA REST, OPA wasm). Not built
 * yet: until then nodes use the interim allow-list engine of mesh-core (see docs/authorization.md).
 */
package dev.agentweave.mesh.authz;
