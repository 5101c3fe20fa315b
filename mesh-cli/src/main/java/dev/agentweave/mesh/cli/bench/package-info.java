/**
 * The load engine of {@code agentweave bench}: {@link dev.agentweave.mesh.cli.bench.LoadRun}
 * (closed and open loop, bounds, latency from the due time), the targets it drives (HTTP through
 * Pekko HTTP's pool or the JDK's client, an {@code AgentRef} of an in-process node), body templates
 * and the report. See docs/load-testing.md.
 */
package dev.agentweave.mesh.cli.bench;
