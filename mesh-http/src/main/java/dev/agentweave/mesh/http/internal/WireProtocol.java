package dev.agentweave.mesh.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The gateway's wire protocol, both ends of it: the paths and headers of the internal call endpoint
 * that remote {@code AgentRef}s use, the JSON error body every refusal carries ({@code {"error":
 * {"code", "message", "request_id"}}}), and the one mapping between an {@link ErrorCode}, its HTTP
 * status and the {@link MeshException} a caller sees, including {@code Retry-After}, which comes
 * from the exception's own {@code retryAfter()}. The gateway answers with it and the pooled client
 * reads answers with it. Stateless.
 */
public final class WireProtocol {
  /** The internal call endpoint that remote {@code AgentRef}s use. */
  public static final String CALL_PATH = "/_agentweave/call";

  /** Request header: the time the caller gives the call, in milliseconds. */
  public static final String TIMEOUT_HEADER = "X-AgentWeave-Timeout-Ms";

  /** Request and response header: the request ID (generated when the caller sends none). */
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  /** Internal call: the SPIFFE ID of the agent called. */
  public static final String TARGET_HEADER = "X-AgentWeave-Target";

  /** Internal call: the capability. */
  public static final String ACTION_HEADER = "X-AgentWeave-Action";

  /**
   * Internal call response: {@code true} when the capability is declared idempotent, so that the
   * caller may retry it after a failure that leaves unclear whether it ran.
   */
  public static final String IDEMPOTENT_HEADER = "X-AgentWeave-Idempotent";

  /** Internal call: {@code tell} answers 202 once the call is accepted. */
  public static final String MODE_HEADER = "X-AgentWeave-Mode";

  /** Response header of overloaded and unavailable answers: whole seconds before a retry. */
  public static final String RETRY_AFTER_HEADER = "Retry-After";

  private static final ObjectMapper JSON = new ObjectMapper();

  private WireProtocol() {}

  // ---- request IDs -----------------------------------------------------------------------------

  /** A new request ID: 16 hex digits. */
  public static String newRequestId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  /**
   * The request's ID: the caller's {@code X-Request-Id} when it is 1 to 128 letters, digits or
   * {@code . _ : -}, a new one otherwise.
   *
   * @param request the request
   * @return the ID
   */
  public static String requestId(HttpRequest request) {
    Optional<HttpHeader> h = request.getHeader(REQUEST_ID_HEADER);
    if (h.isPresent() && isRequestId(h.get().value())) {
      return h.get().value();
    }
    return newRequestId();
  }

  /** 1 to 128 of {@code A-Z a-z 0-9 . _ : -}; a loop, not a regex, as it runs on every call. */
  static boolean isRequestId(String value) {
    int n = value.length();
    if (n == 0 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // ---- the internal call -----------------------------------------------------------------------

  /**
   * The address of a gateway's internal call endpoint, parsed once per pool rather than per call.
   *
   * @param gateway the gateway's base URL
   * @return {@code gateway} with {@link #CALL_PATH}
   */
  public static Uri callUri(URI gateway) {
    return Uri.create(gateway + CALL_PATH);
  }

  /**
   * The request of an internal call, everything but its body.
   *
   * @param callUri the gateway's call endpoint, from {@link #callUri(URI)}
   * @param target the agent called
   * @param action the capability
   * @param leftMillis the time the call has left, at least 1
   * @param requestId the request ID
   * @param tell whether the caller waits only for the call's acceptance
   * @return the request
   */
  public static HttpRequest callRequest(
      Uri callUri,
      SpiffeId target,
      String action,
      long leftMillis,
      String requestId,
      boolean tell) {
    HttpHeader targetHeader = RawHeader.create(TARGET_HEADER, target.toString());
    HttpHeader actionHeader = RawHeader.create(ACTION_HEADER, action);
    HttpHeader timeoutHeader =
        RawHeader.create(TIMEOUT_HEADER, Long.toString(Math.max(1, leftMillis)));
    HttpHeader idHeader = RawHeader.create(REQUEST_ID_HEADER, requestId);
    List<HttpHeader> headers =
        tell
            ? List.of(
                targetHeader,
                actionHeader,
                timeoutHeader,
                idHeader,
                RawHeader.create(MODE_HEADER, "tell"))
            : List.of(targetHeader, actionHeader, timeoutHeader, idHeader);
    return HttpRequest.create().withMethod(HttpMethods.POST).withUri(callUri).withHeaders(headers);
  }

  /**
   * Whether an internal call asks only for acceptance.
   *
   * @param request the request
   * @return true for {@code X-AgentWeave-Mode: tell}
   */
  public static boolean isTell(HttpRequest request) {
    return request.getHeader(MODE_HEADER).map(h -> h.value().equals("tell")).orElse(false);
  }

  /**
   * The time a request gives its call: {@code X-AgentWeave-Timeout-Ms}, at most {@code max}.
   *
   * @param request the request
   * @param max the gateway's longest ({@code server.request_timeout_seconds}), also the default
   * @return the timeout
   * @throws InvalidRequestException when the header is not a whole number of milliseconds over 0
   */
  public static Duration timeout(HttpRequest request, Duration max) {
    Optional<HttpHeader> h = request.getHeader(TIMEOUT_HEADER);
    if (h.isEmpty()) {
      return max;
    }
    long ms;
    try {
      ms = Long.parseLong(h.get().value().trim());
    } catch (NumberFormatException e) {
      ms = -1;
    }
    if (ms <= 0) {
      throw new InvalidRequestException(
          "header "
              + TIMEOUT_HEADER
              + ": '"
              + dev.agentweave.mesh.support.Bounded.shown(h.get().value())
              + "' (expected: a whole number of milliseconds > 0)");
    }
    Duration asked = Duration.ofMillis(ms);
    return asked.compareTo(max) < 0 ? asked : max;
  }

  /**
   * The SPIFFE ID in a header.
   *
   * @param request the request
   * @param name the header
   * @return the ID
   * @throws InvalidRequestException when it is missing or not a SPIFFE ID
   */
  public static SpiffeId spiffeIdHeader(HttpRequest request, String name) {
    String value =
        request
            .getHeader(name)
            .map(HttpHeader::value)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "header " + name + " is missing (expected: a SPIFFE ID)"));
    try {
      return SpiffeId.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("header " + name + ": " + e.getMessage());
    }
  }

  // ---- errors: answering -----------------------------------------------------------------------

  /**
   * The answer for a failure: its code's status, the error body, and {@code Retry-After} (whole
   * seconds, rounded up) when the exception says when to retry.
   *
   * @param failure the failure; an internal error's message is not sent (say so in the log)
   * @param requestId the request ID
   * @return the response
   */
  public static HttpResponse error(MeshException failure, String requestId) {
    ErrorCode code = failure.code();
    String message = code == ErrorCode.INTERNAL ? "internal error" : failure.getMessage();
    HttpResponse r = error(code, message, requestId);
    Optional<Duration> retry = retryAfter(failure);
    if (retry.isPresent()) {
      r = r.addHeader(RawHeader.create(RETRY_AFTER_HEADER, Long.toString(seconds(retry.get()))));
    }
    return r;
  }

  /**
   * The answer with an error body, at the code's status (no {@code Retry-After}).
   *
   * @param code the code
   * @param message what was wrong and what was expected
   * @param requestId the request ID
   * @return the response, with {@code X-Request-Id}
   */
  public static HttpResponse error(ErrorCode code, String message, String requestId) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", code.wireName());
    err.put("message", message);
    err.put("request_id", requestId);
    return json(StatusCodes.get(code.httpStatus()), Map.of("error", err))
        .addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId));
  }

  /**
   * A JSON answer.
   *
   * @param status the status
   * @param body written with a plain mapper
   * @return the response
   */
  public static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a protocol body is always writable", e);
    }
  }

  /**
   * When the caller may retry, as the exception itself says.
   *
   * @param failure the failure
   * @return the delay for an overloaded or unavailable failure, empty otherwise
   */
  public static Optional<Duration> retryAfter(MeshException failure) {
    if (failure instanceof OverloadedException o) {
      return Optional.of(o.retryAfter());
    }
    if (failure instanceof UnavailableException u) {
      return Optional.of(u.retryAfter());
    }
    return Optional.empty();
  }

  private static long seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }

  /**
   * The code of a refusal Pekko HTTP makes before a route sees the request.
   *
   * @param status Pekko's status
   * @return the protocol refusal with that status, or {@link ErrorCode#INVALID_REQUEST}
   */
  public static ErrorCode refusal(int status) {
    if (status == 405) {
      return ErrorCode.METHOD_NOT_SUPPORTED;
    }
    for (ErrorCode c : ErrorCode.values()) {
      if (c.isProtocol() && c.httpStatus() == status) {
        return c;
      }
    }
    return ErrorCode.INVALID_REQUEST;
  }

  // ---- errors: reading -------------------------------------------------------------------------

  /**
   * What an answer other than 200 or 202 means for the caller: the exception of its code, with its
   * message and where it came from; an answer that is not the gateway's error body, or an internal
   * error, is an internal error without the other node's details.
   *
   * @param status the HTTP status
   * @param body the answer's body
   * @param retryAfter the {@code Retry-After} header, if any
   * @param where for example {@code " (from https://10.0.0.2:8443, request 5f3a...)"}
   * @return the failure
   */
  public static MeshException failure(
      int status, byte[] body, Optional<String> retryAfter, String where) {
    String code = "";
    String message = "HTTP " + status;
    try {
      JsonNode e = JSON.readTree(body).get("error");
      if (e != null) {
        code = e.path("code").asText("");
        message = e.path("message").asText(message);
      }
    } catch (IOException | RuntimeException notOurs) {
      // not a gateway's JSON: keep the status
    }
    ErrorCode known = ErrorCode.ofWireName(code).orElse(null);
    if (known == null || known == ErrorCode.INTERNAL) {
      return new InternalErrorException(
          (known != null ? "the called node failed" : "unexpected answer " + message) + where);
    }
    // A handler's refusal keeps the handler's own words; every other failure says where it was.
    return MeshException.of(
        known,
        known == ErrorCode.REJECTED ? message : message + where,
        retryAfter.map(WireProtocol::parseSeconds).orElse(null));
  }

  private static Duration parseSeconds(String header) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
