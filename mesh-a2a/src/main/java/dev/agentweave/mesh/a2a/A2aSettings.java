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
 * @param maxTaskBytes the most bytes of requests and answers the kept tasks may hold; beyond it the
 *     oldest finished tasks are dropped, and a new message is refused when the running ones hold it
 *     all ({@code a2a.max_task_bytes})
 * @param taskRetention how long a finished task can still be read ({@code
 *     a2a.task_retention_seconds})
 * @param signing whether and with which key the node signs its agent cards ({@code a2a.signing})
 */
public record A2aSettings(
    boolean enabled, int maxTasks, long maxTaskBytes, Duration taskRetention, Signing signing) {
  /**
   * Card signatures.
   *
   * @param enabled whether cards carry a signature ({@code a2a.signing.enabled})
   * @param keyFile a PEM private key (EC or RSA) to sign with, or empty to sign each agent's card
   *     with that agent's own SVID key and its certificate chain in {@code x5c} ({@code
   *     a2a.signing.key_file})
   * @param kid the key id in the signature's header; required with a key file, and the SVID
   *     certificate's SHA-256 thumbprint when empty ({@code a2a.signing.kid})
   */
  public record Signing(boolean enabled, String keyFile, String kid) {}
}
