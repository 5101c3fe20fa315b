package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's answer to requests that Pekko HTTP refuses before they reach a route (a request
 * line or header that does not parse, headers or a URI over their limits, an unknown method,
 * framing that could smuggle a request): our JSON error body with a request ID, instead of Pekko's
 * plain text, with the {@linkplain dev.agentweave.mesh.ErrorCode#isProtocol() protocol refusal}'s
 * code ({@link WireProtocol#refusal}). Each refusal is counted ({@code gateway.requests.malformed},
 * tag {@code reason}) and warned about at most once a second per gateway.
 *
 * <p>Pekko HTTP creates this handler by class name ({@code
 * pekko.http.server.parsing.error-handler}) and gives it the logging adapter of the server; a
 * gateway registers its counters under the adapter it binds with ({@link #register}), so that each
 * gateway of a JVM counts its own.
 */
public final class ProtocolErrors extends ParsingErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");
  private static final Map<LoggingAdapter, Sink> SINKS = new ConcurrentHashMap<>();

  /** Created by Pekko HTTP, by class name. */
  public ProtocolErrors() {}

  /** Where the refusals of one gateway are counted and logged. */
  public static final class Sink {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(1));

    Sink(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Counts and (rate-limited) logs one refused request.
     *
     * @param reason a fixed reason (never caller text)
     * @param detail what was wrong, already bounded
     */
    public void refused(String reason, String detail) {
      counters
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("gateway.requests.malformed")
                      .description(
                          "Requests the gateway refused before routing them (malformed, over a"
                              + " limit, or not HTTP it accepts), by reason")
                      .tag("reason", r)
                      .register(registry))
          .increment();
      log.warn("refused a malformed request: {}", reason + ": " + detail);
    }
  }

  /**
   * Registers the counters of a gateway that binds with {@code log}.
   *
   * @param log the logging adapter the gateway's server uses
   * @param registry where the counters go
   * @return the sink, also for refusals the routes make themselves
   */
  public static Sink register(LoggingAdapter log, MeterRegistry registry) {
    Sink sink = new Sink(registry);
    SINKS.put(log, sink);
    return sink;
  }

  /**
   * Forgets a gateway's counters.
   *
   * @param log the adapter it registered with
   */
  public static void unregister(LoggingAdapter log) {
    SINKS.remove(log);
  }

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    int code = status.intValue();
    String reason = reason(code);
    String summary = summary(info);
    Sink sink = SINKS.get(log);
    if (sink != null) {
      sink.refused(reason, summary);
    }
    return WireProtocol.error(
        WireProtocol.refusal(code), message(code, summary), WireProtocol.newRequestId());
  }

  /** A fixed reason per status: a bounded tag value. */
  static String reason(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 405, 501 -> "method_not_supported";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 417 -> "expectation_failed";
      case 431 -> "headers_too_large";
      case 505 -> "http_version_not_supported";
      default -> "status_" + (status >= 100 && status < 600 ? status : 0);
    };
  }

  private static String message(int status, String summary) {
    String what =
        switch (status) {
          case 405, 501 ->
              "the request method is not supported (expected: GET for /health, /whoami and"
                  + " /metrics, POST for tasks)";
          case 413 -> "the request body is larger than this gateway accepts";
          case 414 -> "the request URI is longer than this gateway accepts";
          case 431 -> "the request headers are larger than this gateway accepts";
          case 505 -> "the HTTP version is not supported (expected: HTTP/1.1)";
          case 417 -> "the Expect header is not supported (expected: no Expect, or 100-continue)";
          default -> "the request is not valid HTTP this gateway accepts";
        };
    return summary.isEmpty() ? what : what + ": " + summary;
  }

  /**
   * Pekko's summary of what was wrong, without configuration key names, cut to a bounded length.
   */
  private static String summary(ErrorInfo info) {
    String s = info.summary() == null ? "" : info.summary().trim();
    int cfg = s.toLowerCase(Locale.ROOT).indexOf("pekko.");
    if (cfg >= 0) {
      s = s.substring(0, cfg).trim();
    }
    s = s.replaceAll("\\s+", " ");
    StringBuilder clean = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      clean.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return Bounded.shown(clean.toString());
  }
}
