/**
 * Internals of the gateway: its connection layer ({@link
 * dev.agentweave.mesh.http.internal.GatewayServer}), the JSON answers to requests Pekko HTTP
 * refuses before routing ({@link dev.agentweave.mesh.http.internal.ProtocolErrors}) and the reading
 * of task bodies ({@link dev.agentweave.mesh.http.internal.TaskBody}). Not an API: types here
 * change without notice.
 */
package dev.agentweave.mesh.http.internal;
