package dev.agentweave.mesh.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.internal.ProtocolErrors;
import dev.agentweave.mesh.http.internal.TaskBody;
import dev.agentweave.mesh.identity.SpiffeTls;
import dev.agentweave.mesh.internal.Bounded;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.InboundCalls;
import dev.agentweave.mesh.spi.JsonBody;
import dev.agentweave.mesh.spi.NodeContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.TlsSessionInfo;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's routes (see {@link Gateway}). Every answer other than a capability's result is
 * JSON; errors are {@code {"error": {"code", "message", "request_id"}}}.
 */
final class GatewayRoutes extends AllDirectives {
  /** Request header: the time the caller gives the call, in milliseconds. */
  static final String TIMEOUT_HEADER = "X-AgentWeave-Timeout-Ms";

  /** Request and response header: the request ID (generated when the caller sends none). */
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  /** The internal call endpoint that remote {@code AgentRef}s use. */
  static final String CALL_PATH = "/_agentweave/call";

  /** Internal call: the SPIFFE ID of the agent called. */
  static final String TARGET_HEADER = "X-AgentWeave-Target";

  /** Internal call: the capability. */
  static final String ACTION_HEADER = "X-AgentWeave-Action";

  /**
   * Internal call response: {@code true} when the capability is declared idempotent, so that the
   * caller may retry it after a failure that leaves unclear whether it ran.
   */
  static final String IDEMPOTENT_HEADER = "X-AgentWeave-Idempotent";

  /** Internal call: {@code tell} answers 202 once the call is accepted. */
  static final String MODE_HEADER = "X-AgentWeave-Mode";

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final NodeContext node;
  private final InboundCalls inbound;
  private final ObjectMapper json;
  private final Materializer materializer;
  private final String trustDomain;
  private final SpiffeId defaultAgent;
  private final long maxBodyBytes;
  private final int maxConcurrent;
  private final Duration requestTimeout;
  private final AtomicInteger inFlight = new AtomicInteger();

  GatewayRoutes(NodeContext node, Materializer materializer) {
    this.node = node;
    this.inbound = node.inbound();
    this.json = inbound.json();
    this.materializer = materializer;
    var settings = node.settings();
    this.trustDomain = settings.agent().trustDomain();
    this.defaultAgent = SpiffeId.forAgent(trustDomain, settings.agent().name());
    this.maxBodyBytes = settings.server().maxBodyBytes();
    this.maxConcurrent = settings.server().maxConcurrentRequests();
    this.requestTimeout = settings.server().requestTimeout();
  }

  /** Requests being served now. */
  int inFlight() {
    return inFlight.get();
  }

  Route route() {
    return withRequestTimeoutResponse(
        request ->
            error(
                ErrorCode.DEADLINE_EXCEEDED,
                "the request took longer than server.request_timeout_seconds",
                requestId(request)),
        this::routes);
  }

  private Route routes() {
    return extractRequest(
        request ->
            optionalHeaderValueByType(
                TlsSessionInfo.class,
                tls -> {
                  String requestId = requestId(request);
                  Optional<SpiffeId> caller = tls.flatMap(i -> SpiffeTls.peer(i.getSession()));
                  return completeWithFuture(
                      safely(request, caller, requestId)
                          .thenApply(
                              r -> r.addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId))));
                }));
  }

  private static String requestId(HttpRequest request) {
    Optional<HttpHeader> h = request.getHeader(REQUEST_ID_HEADER);
    if (h.isPresent() && REQUEST_ID.matcher(h.get().value()).matches()) {
      return h.get().value();
    }
    return ProtocolErrors.newRequestId();
  }

  /** {@link #serve}, with anything unexpected answered as a JSON 500 and logged. */
  private CompletionStage<HttpResponse> safely(
      HttpRequest request, Optional<SpiffeId> caller, String requestId) {
    CompletionStage<HttpResponse> answer;
    try {
      answer = serve(request, caller, requestId);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.exceptionally(
        e -> {
          LOG.error("request {} failed unexpectedly", requestId, e);
          return error(ErrorCode.INTERNAL, "internal error", requestId);
        });
  }

  private CompletionStage<HttpResponse> serve(
      HttpRequest request, Optional<SpiffeId> caller, String requestId) {
    String path = request.getUri().path();
    String method = request.method().value();
    List<String> segments = segments(path);
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");
    if (get && segments.equals(List.of("health", "live"))) {
      return done(json(StatusCodes.OK, Map.of("status", "live")));
    }
    if (get && segments.equals(List.of("health", "ready"))) {
      NodeState state = node.state();
      return done(
          json(
              state == NodeState.READY ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
              Map.of("status", state.name().toLowerCase(Locale.ROOT))));
    }
    if (caller.isEmpty()) {
      // Not reachable with strict peer verification (the handshake requires a certificate).
      return done(
          error(
              ErrorCode.PERMISSION_DENIED,
              "no verified client certificate on this connection",
              requestId));
    }
    if (get && segments.equals(List.of("whoami"))) {
      return done(json(StatusCodes.OK, Map.of("spiffe_id", caller.get().toString())));
    }
    if (get && segments.equals(List.of("metrics"))) {
      return metrics(caller.get(), requestId);
    }
    if (post && path.equals(CALL_PATH)) {
      return internalCall(request, caller.get(), requestId);
    }
    if (post && segments.equals(List.of("task"))) {
      return task(request, caller.get(), defaultAgent, requestId);
    }
    if (post
        && segments.size() == 3
        && segments.get(0).equals("agents")
        && segments.get(2).equals("task")) {
      String agent = segments.get(1);
      if (!AGENT_NAME.matcher(agent).matches()) {
        return done(
            error(
                ErrorCode.INVALID_REQUEST,
                "agent name '"
                    + agent
                    + "' in the path (expected: 1 to 128 letters, digits, '.', '_' or '-')",
                requestId));
      }
      return task(request, caller.get(), SpiffeId.forAgent(trustDomain, agent), requestId);
    }
    request.discardEntityBytes(materializer);
    return done(error(ErrorCode.NOT_FOUND, "no route " + method + " " + path, requestId));
  }

  private static List<String> segments(String path) {
    List<String> out = new java.util.ArrayList<>(4);
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  // ---- POST /task, POST /agents/{agent}/task ----------------------------------------------------

  private CompletionStage<HttpResponse> task(
      HttpRequest request, SpiffeId caller, SpiffeId target, String requestId) {
    Duration timeout;
    try {
      timeout = timeout(request);
    } catch (InvalidRequestException e) {
      request.discardEntityBytes(materializer);
      return done(error(e.code(), e.getMessage(), requestId));
    }
    Optional<HttpResponse> unsupported = unsupportedBody(request, requestId);
    if (unsupported.isPresent()) {
      return done(unsupported.get());
    }
    return admitted(
        request,
        requestId,
        true,
        () ->
            strictBody(
                request.entity(),
                timeout,
                requestId,
                (body, left) -> call(body, caller, target, left, requestId)));
  }

  /**
   * Runs a request that carries a body: refused at once (413) when it is limited and its declared
   * length is over {@code server.max_body_bytes}, and (503) when the gateway already serves {@code
   * server.max_concurrent_requests}; otherwise counted in flight until its answer is ready.
   */
  private CompletionStage<HttpResponse> admitted(
      HttpRequest request,
      String requestId,
      boolean limited,
      Supplier<CompletionStage<HttpResponse>> work) {
    HttpEntity entity = request.entity();
    if (limited
        && entity.getContentLengthOption().isPresent()
        && entity.getContentLengthOption().getAsLong() > maxBodyBytes) {
      if (entity.getContentLengthOption().getAsLong() > discardLimit()) {
        // too much to read and drop: answer and close the connection
        return done(
            tooLarge(requestId)
                .addHeader(org.apache.pekko.http.javadsl.model.headers.Connection.create("close")));
      }
      request.discardEntityBytes(materializer);
      return done(tooLarge(requestId));
    }
    if (inFlight.incrementAndGet() > maxConcurrent) {
      inFlight.decrementAndGet();
      request.discardEntityBytes(materializer);
      return done(overloaded(requestId));
    }
    return work.get().whenComplete((r, e) -> inFlight.decrementAndGet());
  }

  /**
   * Reads a body of at most {@code server.max_body_bytes} within the timeout, then hands it and the
   * time left to {@code then}; an unreadable body is answered here.
   */
  private CompletionStage<HttpResponse> strictBody(
      HttpEntity entity,
      Duration timeout,
      String requestId,
      BiFunction<byte[], Duration, CompletionStage<HttpResponse>> then) {
    long started = System.nanoTime();
    // Read up to max_body_bytes; past that keep reading and dropping (up to a bound) so that the
    // client finishes sending and reads the 413 instead of a reset connection.
    long discardUpTo = discardLimit();
    return entity
        .withoutSizeLimit()
        .getDataBytes()
        .completionTimeout(Duration.ofMillis(Math.max(1, timeout.toMillis())))
        .runFold(
            new BodyBuffer(),
            (buffer, bytes) -> buffer.add(bytes, maxBodyBytes, discardUpTo),
            materializer)
        .handle(
            (buffer, readError) -> {
              if (readError != null) {
                return done(unreadable(readError, requestId));
              }
              if (buffer.size > maxBodyBytes) {
                return done(tooLarge(requestId));
              }
              return then.apply(
                  buffer.bytes.result().toArray(), timeout.minusNanos(System.nanoTime() - started));
            })
        .thenCompose(x -> x);
  }

  /** The most bytes of a body over the limit that are read (and dropped) before the 413. */
  private long discardLimit() {
    return maxBodyBytes + Math.min(maxBodyBytes, 64L * 1024 * 1024);
  }

  /** A body that goes on past what the gateway reads and drops. */
  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }

  /** A request body read so far: its bytes up to the limit, and its size. */
  private static final class BodyBuffer {
    final org.apache.pekko.util.ByteStringBuilder bytes =
        new org.apache.pekko.util.ByteStringBuilder();
    long size;

    BodyBuffer add(ByteString chunk, long limit, long discardUpTo) {
      size += chunk.size();
      if (size > discardUpTo) {
        throw new BodyTooLarge();
      }
      if (size <= limit) {
        bytes.append(chunk);
      }
      return this;
    }
  }

  // ---- POST /_agentweave/call ------------------------------------------------------------------

  private CompletionStage<HttpResponse> internalCall(
      HttpRequest request, SpiffeId caller, String requestId) {
    Duration timeout;
    SpiffeId target;
    String action;
    try {
      timeout = timeout(request);
      target = spiffeIdHeader(request, TARGET_HEADER);
      action =
          request
              .getHeader(ACTION_HEADER)
              .map(HttpHeader::value)
              .filter(a -> !a.isEmpty())
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "header " + ACTION_HEADER + " is missing (expected: a capability name)"));
    } catch (InvalidRequestException e) {
      request.discardEntityBytes(materializer);
      return done(error(e.code(), e.getMessage(), requestId));
    }
    if (!Bounded.isCapabilityName(action)) {
      request.discardEntityBytes(materializer);
      return done(
          error(ErrorCode.INVALID_REQUEST, TaskBody.badAction(ACTION_HEADER, action), requestId));
    }
    boolean stream =
        request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_OCTET_STREAM);
    Optional<HttpResponse> unsupported =
        stream ? unsupportedEncoding(request, requestId) : unsupportedBody(request, requestId);
    if (unsupported.isPresent()) {
      return done(unsupported.get());
    }
    boolean tell = request.getHeader(MODE_HEADER).map(h -> h.value().equals("tell")).orElse(false);
    if (inbound.isIdempotent(target, action)) {
      return internalCall(request, caller, target, action, timeout, tell, requestId)
          .thenApply(
              r ->
                  r.status().intValue() == 403 || r.status().intValue() == 404
                      ? r // nothing about a capability to a caller that may not know it
                      : r.addHeader(RawHeader.create(IDEMPOTENT_HEADER, "true")));
    }
    return internalCall(request, caller, target, action, timeout, tell, requestId);
  }

  private CompletionStage<HttpResponse> internalCall(
      HttpRequest request,
      SpiffeId caller,
      SpiffeId target,
      String action,
      Duration timeout,
      boolean tell,
      String requestId) {
    // Streams have no size limit, whether chunked or of a declared length.
    boolean stream =
        request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_OCTET_STREAM);
    return admitted(
        request,
        requestId,
        !stream,
        () ->
            stream
                ? internalStream(request, caller, target, action, timeout, requestId)
                : strictBody(
                    request.entity(),
                    timeout,
                    requestId,
                    (bytes, left) ->
                        internalJson(
                            new JsonBody(bytes), caller, target, action, left, tell, requestId)));
  }

  /**
   * A streaming capability: the request's bytes go to the handler as they arrive, without a size
   * limit, and its response streams back chunked.
   */
  private CompletionStage<HttpResponse> internalStream(
      HttpRequest request,
      SpiffeId caller,
      SpiffeId target,
      String action,
      Duration timeout,
      String requestId) {
    return inbound
        .call(
            caller,
            target,
            action,
            request.entity().withoutSizeLimit().getDataBytes(),
            timeout,
            requestId)
        .handle(
            (value, failure) -> {
              if (failure != null) {
                discardQuietly(request);
              }
              return answer(value, failure, action, target, requestId);
            });
  }

  /** A call or tell with a JSON body read in full. */
  private CompletionStage<HttpResponse> internalJson(
      JsonBody body,
      SpiffeId caller,
      SpiffeId target,
      String action,
      Duration left,
      boolean tell,
      String requestId) {
    if (tell) {
      return inbound
          .tell(caller, target, action, body, left, requestId)
          .handle(
              (ok, failure) ->
                  failure == null
                      ? HttpResponse.create().withStatus(StatusCodes.ACCEPTED)
                      : failed(failure, requestId));
    }
    return inbound
        .call(caller, target, action, body, left, requestId)
        .handle((value, failure) -> answer(value, failure, action, target, requestId));
  }

  private static SpiffeId spiffeIdHeader(HttpRequest request, String name) {
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

  /** The answer to a request that reaches a draining gateway: 503, retry elsewhere. */
  HttpResponse draining(String requestId) {
    return error(
        ErrorCode.UNAVAILABLE,
        "node " + node.settings().agent().name() + " is stopping and takes no new requests; retry",
        requestId);
  }

  private HttpResponse overloaded(String requestId) {
    return error(
        ErrorCode.OVERLOADED,
        "the gateway serves "
            + maxConcurrent
            + " requests at once (server.max_concurrent_requests); retry later",
        requestId);
  }

  private void discardQuietly(HttpRequest request) {
    try {
      request.discardEntityBytes(materializer);
    } catch (RuntimeException alreadyConsumed) {
      // the handler started reading the request; the connection closes after the answer
    }
  }

  @SuppressWarnings("unchecked")
  private HttpResponse answer(
      Object value, Throwable failure, String action, SpiffeId target, String requestId) {
    if (failure != null) {
      return failed(failure, requestId);
    }
    if (value instanceof Source<?, ?> stream) {
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .withEntity(
              HttpEntities.createChunked(
                  ContentTypes.APPLICATION_OCTET_STREAM, (Source<ByteString, ?>) stream));
    }
    try {
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(value)));
    } catch (JsonProcessingException e) {
      LOG.error(
          "response of '{}' on {} (request {}) cannot be written as JSON",
          action,
          target,
          requestId,
          e);
      return error(ErrorCode.INTERNAL, "internal error", requestId);
    }
  }

  private Duration timeout(HttpRequest request) {
    Optional<HttpHeader> h = request.getHeader(TIMEOUT_HEADER);
    if (h.isEmpty()) {
      return requestTimeout;
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
              + h.get().value()
              + "' (expected: a whole number of milliseconds > 0)");
    }
    Duration asked = Duration.ofMillis(ms);
    return asked.compareTo(requestTimeout) < 0 ? asked : requestTimeout;
  }

  private HttpResponse unreadable(Throwable readError, String requestId) {
    Throwable cause = readError instanceof CompletionException c ? c.getCause() : readError;
    if (cause instanceof EntityStreamSizeException
        || cause instanceof BodyTooLarge
        || (cause instanceof EntityStreamException x
            && "Request too large".equals(x.info().summary()))) {
      return tooLarge(requestId);
    }
    if (cause instanceof java.util.concurrent.TimeoutException
        || cause instanceof org.apache.pekko.stream.StreamTimeoutException) {
      return error(
          ErrorCode.DEADLINE_EXCEEDED, "the request body did not arrive in time", requestId);
    }
    return error(
        ErrorCode.INVALID_REQUEST,
        "the request body could not be read (it ended early or its chunked framing is malformed)",
        requestId);
  }

  /**
   * A JSON body that declares another media type, a charset other than UTF-8 or a content coding is
   * refused (415) before it is read. A body without a Content-Type is taken as JSON (Pekko HTTP
   * shows it as {@code application/octet-stream}, which is therefore accepted too).
   */
  private Optional<HttpResponse> unsupportedBody(HttpRequest request, String requestId) {
    Optional<HttpResponse> encoding = unsupportedEncoding(request, requestId);
    if (encoding.isPresent()) {
      return encoding;
    }
    var contentType = request.entity().getContentType();
    var media = contentType.mediaType();
    boolean json =
        media.equals(MediaTypes.APPLICATION_JSON)
            || media.equals(MediaTypes.APPLICATION_OCTET_STREAM)
            || (media.isApplication() && media.subType().endsWith("+json"));
    if (!json) {
      request.discardEntityBytes(materializer);
      return Optional.of(
          unsupportedMedia(
              "Content-Type "
                  + Bounded.shown(media.toString())
                  + " is not accepted here (expected: application/json)",
              requestId));
    }
    var charset = contentType.getCharsetOption();
    if (charset.isPresent()
        && !charset.get().nioCharset().equals(java.nio.charset.StandardCharsets.UTF_8)) {
      request.discardEntityBytes(materializer);
      return Optional.of(
          unsupportedMedia(
              "charset "
                  + Bounded.shown(charset.get().value())
                  + " is not accepted (expected: UTF-8, or no charset)",
              requestId));
    }
    return Optional.empty();
  }

  private Optional<HttpResponse> unsupportedEncoding(HttpRequest request, String requestId) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("content-encoding")) {
        String coding = h.value().trim();
        if (!coding.equalsIgnoreCase("identity")) {
          request.discardEntityBytes(materializer);
          return Optional.of(
              unsupportedMedia(
                  "Content-Encoding "
                      + Bounded.shown(coding)
                      + " is not supported (expected: no Content-Encoding, or identity)",
                  requestId));
        }
      }
    }
    return Optional.empty();
  }

  private HttpResponse unsupportedMedia(String message, String requestId) {
    return errorResponse(
        StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message, requestId);
  }

  private HttpResponse tooLarge(String requestId) {
    return errorResponse(
        StatusCodes.PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the request body is larger than " + maxBodyBytes + " bytes (server.max_body_bytes)",
        requestId);
  }

  private CompletionStage<HttpResponse> call(
      byte[] body, SpiffeId caller, SpiffeId target, Duration timeout, String requestId) {
    TaskBody task;
    try {
      task = TaskBody.parse(json, body);
    } catch (InvalidRequestException e) {
      return done(error(e.code(), e.getMessage(), requestId));
    }
    String action = task.action();
    return inbound
        .call(caller, target, action, task.fields(), timeout, requestId)
        .handle((value, failure) -> answer(value, failure, action, target, requestId));
  }

  private HttpResponse failed(Throwable failure, String requestId) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    if (cause instanceof MeshException m) {
      if (m.code() == ErrorCode.INTERNAL) {
        LOG.warn("request {} failed internally: {}", requestId, m.getMessage());
        return error(ErrorCode.INTERNAL, "internal error", requestId);
      }
      return error(m.code(), m.getMessage(), requestId);
    }
    LOG.error("request {} failed unexpectedly", requestId, cause);
    return error(ErrorCode.INTERNAL, "internal error", requestId);
  }

  // ---- GET /metrics -----------------------------------------------------------------------------

  private CompletionStage<HttpResponse> metrics(SpiffeId caller, String requestId) {
    return node.checkAuthorization(caller, defaultAgent, "metrics")
        .handle(
            (AuthzDecision d, Throwable e) -> {
              if (e != null || d == null || !d.allowed()) {
                String reason = d != null ? d.reason() : "authorization failed";
                return error(
                    ErrorCode.PERMISSION_DENIED,
                    caller + " may not read the metrics of " + defaultAgent + ": " + reason,
                    requestId);
              }
              return HttpResponse.create()
                  .withStatus(StatusCodes.OK)
                  .withEntity(
                      HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, node.metrics().scrape()));
            });
  }

  // ---- responses -------------------------------------------------------------------------------

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse error(ErrorCode code, String message, String requestId) {
    HttpResponse r =
        errorResponse(StatusCodes.get(code.httpStatus()), code.wireName(), message, requestId);
    if (code == ErrorCode.OVERLOADED || code == ErrorCode.UNAVAILABLE) {
      r = r.addHeader(RawHeader.create("Retry-After", "1"));
    }
    return r;
  }

  private HttpResponse errorResponse(
      StatusCode status, String code, String message, String requestId) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", code);
    err.put("message", message);
    err.put("request_id", requestId);
    return json(status, Map.of("error", err));
  }
}
