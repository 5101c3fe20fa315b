/**
 * Support API for the mesh's own modules and for extensions written by users: the pieces several
 * modules share, documented and kept compatible like the rest of the public API.
 *
 * <ul>
 *   <li>{@link dev.agentweave.mesh.support.Json} and {@link
 *       dev.agentweave.mesh.support.JsonErrors}: the strict JSON mapping of requests and responses,
 *       and the messages that say why a document was refused;
 *   <li>{@link dev.agentweave.mesh.support.Bounded}: bounds on caller-chosen text that reaches a
 *       meter tag, a log line, an error message or the audit log;
 *   <li>{@link dev.agentweave.mesh.support.RateLimitedLog}: warnings that can repeat at the rate of
 *       traffic, written at most once per interval;
 *   <li>{@link dev.agentweave.mesh.support.FileWatch}: reloading files when they change;
 *   <li>{@link dev.agentweave.mesh.support.MeterNames}: the names of the node's meters;
 *   <li>{@link dev.agentweave.mesh.support.Completions}: unwrapping failures of completion stages.
 * </ul>
 *
 * <p>Everything in a package named {@code internal} is not API: no module imports another module's
 * {@code internal} package (an architecture test in every module checks it).
 */
package dev.agentweave.mesh.support;
