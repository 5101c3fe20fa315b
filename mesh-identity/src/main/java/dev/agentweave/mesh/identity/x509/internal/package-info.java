/** Internal to mesh-identity: the configuration section it contributes. Not an API. */
package dev.agentweave.mesh.identity.x509.internal;
