/** Implementation of mesh-core; not API, may change without notice. */
package dev.agentweave.mesh.internal;
