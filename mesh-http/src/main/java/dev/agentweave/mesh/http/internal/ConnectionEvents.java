package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway's connection layer counts and warns about: connections refused on accept ({@code
 * gateway.connections.refused}), handshakes that did not complete ({@code
 * gateway.handshakes.failed}) and connections closed for a timeout or a drain ({@code
 * gateway.connections.closed}), each by a fixed reason (never the peer's text); warnings at most
 * once a second per kind. Thread-safe.
 */
final class ConnectionEvents {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(1));
  private final RateLimitedLog handshakes = new RateLimitedLog(LOG, Duration.ofSeconds(1));

  ConnectionEvents(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A new connection closed at once (too many in all, or from one address). */
  void refused(String reason, InetAddress from) {
    count("gateway.connections.refused", reason, "Connections closed at once on accept, by reason");
    refusals.warn(
        "closed a new connection at once: {}", reason + " (from " + from.getHostAddress() + ")");
  }

  /** A connection's TLS ended before its handshake completed. */
  void handshakeFailed(Throwable failure, InetAddress from) {
    String reason = handshakeFailure(failure);
    count(
        "gateway.handshakes.failed",
        reason,
        "TLS handshakes on the gateway that did not complete, by reason");
    // refused peers are logged by the TLS layer; a probe that connects and leaves is no news
    if (!reason.equals("peer_rejected") && !reason.equals("closed_before_handshake")) {
      handshakes.warn("TLS handshake failed: {}", reason + " (from " + from.getHostAddress() + ")");
    }
  }

  /** The gateway closed a connection for a timeout or a drain. */
  void closed(String reason) {
    count(
        "gateway.connections.closed",
        reason,
        "Connections the gateway closed for a timeout or a drain, by reason");
  }

  /** A fixed reason for a failed handshake (never the peer's text). */
  static String handshakeFailure(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof SSLException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t == null) {
      return "closed_before_handshake";
    }
    String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("empty client certificate chain")
        || m.contains("certificate_required")
        || m.contains("certificate required")) {
      return "no_client_certificate";
    }
    if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext")) {
      return "not_tls";
    }
    if (m.contains("protocol") && (m.contains("version") || m.contains("not supported"))) {
      return "protocol_version";
    }
    if (m.contains("cipher") || m.contains("no common")) {
      return "no_common_cipher";
    }
    if (m.contains("certificate") || m.contains("spiffe") || m.contains("trust")) {
      return "peer_rejected";
    }
    if (t instanceof SSLHandshakeException) {
      return "handshake_error";
    }
    return "tls_error";
  }

  private void count(String name, String reason, String description) {
    counters
        .computeIfAbsent(
            name + "|" + reason,
            k ->
                Counter.builder(name)
                    .description(description)
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }
}
