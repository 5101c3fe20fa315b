package dev.agentweave.mesh.a2a;

import java.time.Duration;

/**
 * The {@code a2a} section of a node's configuration, read by this module; find it with {@code
 * settings.section(A2aSettings.class)}.
 *
 * @param enabled whether the gateway serves agent cards and the A2A JSON-RPC endpoint ({@code
 *     a2a.enabled})
 * @param maxTasks the most tasks a node keeps; beyond it the oldest finished task is dropped, and
 *     when every kept task is still running a new message is refused ({@code a2a.max_tasks})
 * @param taskRetention how long a finished task can still be read ({@code
 *     a2a.task_retention_seconds})
 */
public record A2aSettings(boolean enabled, int maxTasks, Duration taskRetention) {}
