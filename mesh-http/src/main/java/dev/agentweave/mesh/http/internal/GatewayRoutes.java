package dev.agentweave.mesh.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.http.config.GatewaySettings;
import dev.agentweave.mesh.http.spi.GatewayRequest;
import dev.agentweave.mesh.http.spi.GatewayRoute;
import dev.agentweave.mesh.http.spi.GatewayRouteProvider;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.InboundCalls;
import dev.agentweave.mesh.spi.JsonBody;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.support.Bounded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.TimeoutAccess;
import org.apache.pekko.http.javadsl.model.headers.TlsSessionInfo;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's routes: health, {@code /whoami}, {@code /metrics}, {@code POST /task}, {@code POST
 * /agents/{agent}/task} and the internal call endpoint ({@link WireProtocol#CALL_PATH}). Every call
 * enters the node through its {@link InboundCalls}; every answer other than a capability's result
 * is JSON, every refusal the protocol's error body ({@link WireProtocol}). Thread-safe.
 */
public final class GatewayRoutes {
  // the fixed routes' segments, made once rather than per request
  private static final List<String> HEALTH_LIVE = List.of("health", "live");
  private static final List<String> HEALTH_READY = List.of("health", "ready");
  private static final List<String> WHOAMI = List.of("whoami");
  private static final List<String> METRICS = List.of("metrics");
  private static final List<String> TASK = List.of("task");
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");
  private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final NodeContext node;
  private final InboundCalls inbound;
  private final ObjectMapper json;
  private final RequestBodies bodies;
  private final String trustDomain;
  private final SpiffeId defaultAgent;
  private final Duration requestTimeout;
  private final List<GatewayRoute> extra;

  /**
   * Creates the routes of a node's gateway, with those of every {@link GatewayRouteProvider} on the
   * class path.
   *
   * @param node the node
   * @param materializer reads request bodies
   */
  public GatewayRoutes(NodeContext node, Materializer materializer) {
    this.node = node;
    this.inbound = node.inbound();
    this.json = inbound.json();
    var settings = node.settings();
    GatewaySettings gateway = settings.section(GatewaySettings.class);
    this.bodies =
        new RequestBodies(materializer, gateway.maxBodyBytes(), gateway.maxConcurrentRequests());
    this.trustDomain = settings.agent().trustDomain();
    this.defaultAgent = SpiffeId.forAgent(trustDomain, settings.agent().name());
    this.requestTimeout = gateway.requestTimeout();
    List<GatewayRoute> found = new ArrayList<>();
    for (GatewayRouteProvider provider :
        ServiceLoader.load(
            GatewayRouteProvider.class, GatewayRouteProvider.class.getClassLoader())) {
      provider.create(node).ifPresent(found::add);
    }
    this.extra = List.copyOf(found);
  }

  /** Requests with a body being served now. */
  public int inFlight() {
    return bodies.inFlight();
  }

  /**
   * Answers one request; a request over {@code server.request_timeout_seconds} is answered 504. A
   * plain function rather than a routing-DSL route: the DSL's directives cost 7% of the gateway's
   * CPU per {@code POST /task} (docs/benchmarks.md) and the gateway uses none of its matching.
   *
   * @param request the request
   * @return the answer, never failed
   */
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    String requestId = WireProtocol.requestId(request);
    request
        .getHeader(TimeoutAccess.class)
        .ifPresent(timeout -> timeout.timeoutAccess().updateHandler(GatewayRoutes::timedOut));
    Optional<SpiffeId> caller =
        request.getHeader(TlsSessionInfo.class).flatMap(i -> SpiffeTls.peer(i.getSession()));
    return safely(request, caller, requestId).thenApply(r -> withRequestId(r, requestId));
  }

  private static HttpResponse timedOut(HttpRequest request) {
    return WireProtocol.error(
        ErrorCode.DEADLINE_EXCEEDED,
        "the request took longer than server.request_timeout_seconds",
        WireProtocol.requestId(request));
  }

  /**
   * The answer to a request that reaches a draining gateway: 503, retry elsewhere.
   *
   * @param requestId the request ID
   * @return the answer
   */
  public HttpResponse draining(String requestId) {
    return WireProtocol.error(
        new UnavailableException(
            "node "
                + node.settings().agent().name()
                + " is stopping and takes no new requests; retry"),
        requestId);
  }

  private static HttpResponse withRequestId(HttpResponse r, String requestId) {
    return r.getHeader(WireProtocol.REQUEST_ID_HEADER).isPresent()
        ? r
        : r.addHeader(RawHeader.create(WireProtocol.REQUEST_ID_HEADER, requestId));
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
          return WireProtocol.error(ErrorCode.INTERNAL, "internal error", requestId);
        });
  }

  private CompletionStage<HttpResponse> serve(
      HttpRequest request, Optional<SpiffeId> caller, String requestId) {
    String path = request.getUri().path();
    String method = request.method().value();
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");
    List<String> segments = segments(path);
    if (get && segments.equals(HEALTH_LIVE)) {
      return done(WireProtocol.json(StatusCodes.OK, Map.of("status", "live")));
    }
    if (get && segments.equals(HEALTH_READY)) {
      NodeState state = node.state();
      return done(
          WireProtocol.json(
              state == NodeState.READY ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
              Map.of("status", state.name().toLowerCase(Locale.ROOT))));
    }
    if (caller.isEmpty()) {
      // Not reachable with strict peer verification (the handshake requires a certificate).
      return done(
          WireProtocol.error(
              ErrorCode.PERMISSION_DENIED,
              "no verified client certificate on this connection",
              requestId));
    }
    if (get && segments.equals(WHOAMI)) {
      return done(WireProtocol.json(StatusCodes.OK, Map.of("spiffe_id", caller.get().toString())));
    }
    if (get && segments.equals(METRICS)) {
      return metrics(caller.get(), requestId);
    }
    if (post && path.equals(WireProtocol.CALL_PATH)) {
      return internalCall(request, caller.get(), requestId);
    }
    if (post && segments.equals(TASK)) {
      return task(request, caller.get(), defaultAgent, requestId);
    }
    if (post
        && segments.size() == 3
        && segments.get(0).equals("agents")
        && segments.get(2).equals("task")) {
      String agent = segments.get(1);
      if (!AGENT_NAME.matcher(agent).matches()) {
        bodies.discard(request);
        return done(
            WireProtocol.error(
                ErrorCode.INVALID_REQUEST,
                "agent name '"
                    + Bounded.shown(agent)
                    + "' in the path (expected: 1 to 128 letters, digits, '.', '_' or '-')",
                requestId));
      }
      return task(request, caller.get(), SpiffeId.forAgent(trustDomain, agent), requestId);
    }
    if (!extra.isEmpty()) {
      GatewayRequest offered =
          new OfferedRequest(
              bodies, request, caller.get(), requestId, method, segments, requestTimeout);
      for (GatewayRoute route : extra) {
        Optional<CompletionStage<HttpResponse>> answer = route.serve(offered);
        if (answer.isPresent()) {
          return answer.get();
        }
      }
    }
    bodies.discard(request);
    return done(
        WireProtocol.error(
            ErrorCode.NOT_FOUND, "no route " + method + " " + Bounded.shown(path), requestId));
  }

  /** The path's non-empty segments, split without a regex or an array (once per request). */
  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>(4);
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      if (end > start) {
        out.add(path.substring(start, end));
      }
      start = end + 1;
    }
    return out;
  }

  // ---- POST /task, POST /agents/{agent}/task ----------------------------------------------------

  private CompletionStage<HttpResponse> task(
      HttpRequest request, SpiffeId caller, SpiffeId target, String requestId) {
    Duration timeout;
    try {
      timeout = WireProtocol.timeout(request, requestTimeout);
    } catch (InvalidRequestException e) {
      bodies.discard(request);
      return done(WireProtocol.error(e, requestId));
    }
    Optional<HttpResponse> unsupported = bodies.unsupportedJson(request, requestId);
    if (unsupported.isPresent()) {
      return done(unsupported.get());
    }
    return bodies.admitted(
        request,
        requestId,
        true,
        () ->
            bodies.strict(
                request.entity(),
                timeout,
                requestId,
                (body, left) -> taskCall(body, caller, target, left, requestId)));
  }

  private CompletionStage<HttpResponse> taskCall(
      byte[] body, SpiffeId caller, SpiffeId target, Duration timeout, String requestId) {
    TaskBody task;
    try {
      task = TaskBody.parse(json, body);
    } catch (InvalidRequestException e) {
      return done(WireProtocol.error(e, requestId));
    }
    return inbound
        .call(caller, target, task.action(), task.fields(), timeout, requestId)
        .handle((answer, failure) -> answered(answer, failure, requestId));
  }

  // ---- POST /_agentweave/call ------------------------------------------------------------------

  private CompletionStage<HttpResponse> internalCall(
      HttpRequest request, SpiffeId caller, String requestId) {
    Duration timeout;
    SpiffeId target;
    String action;
    try {
      timeout = WireProtocol.timeout(request, requestTimeout);
      target = WireProtocol.spiffeIdHeader(request, WireProtocol.TARGET_HEADER);
      action =
          request
              .getHeader(WireProtocol.ACTION_HEADER)
              .map(HttpHeader::value)
              .filter(a -> !a.isEmpty())
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "header "
                              + WireProtocol.ACTION_HEADER
                              + " is missing (expected: a capability name)"));
      if (!Bounded.isCapabilityName(action)) {
        throw new InvalidRequestException(TaskBody.badAction(WireProtocol.ACTION_HEADER, action));
      }
    } catch (InvalidRequestException e) {
      bodies.discard(request);
      return done(WireProtocol.error(e, requestId));
    }
    // Streams have no size limit, whether chunked or of a declared length.
    boolean stream =
        request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_OCTET_STREAM);
    Optional<HttpResponse> unsupported =
        stream
            ? bodies.unsupportedEncoding(request, requestId)
            : bodies.unsupportedJson(request, requestId);
    if (unsupported.isPresent()) {
      return done(unsupported.get());
    }
    boolean tell = WireProtocol.isTell(request);
    CompletionStage<HttpResponse> answer =
        bodies.admitted(
            request,
            requestId,
            !stream,
            () ->
                stream
                    ? internalStream(request, caller, target, action, timeout, requestId)
                    : bodies.strict(
                        request.entity(),
                        timeout,
                        requestId,
                        (bytes, left) ->
                            internalJson(bytes, caller, target, action, left, tell, requestId)));
    if (!inbound.isIdempotent(target, action)) {
      return answer;
    }
    return answer.thenApply(
        r ->
            r.status().intValue() == 403 || r.status().intValue() == 404
                ? r // nothing about a capability to a caller that may not know it
                : r.addHeader(RawHeader.create(WireProtocol.IDEMPOTENT_HEADER, "true")));
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
    Source<ByteString, ?> body = request.entity().withoutSizeLimit().getDataBytes();
    return inbound.stream(caller, target, action, body, timeout, requestId)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                bodies.discardQuietly(request);
                return failed(failure, requestId);
              }
              return HttpResponse.create()
                  .withStatus(StatusCodes.OK)
                  .withEntity(
                      HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, response));
            });
  }

  /** A call or tell with a JSON body read in full. */
  private CompletionStage<HttpResponse> internalJson(
      byte[] bytes,
      SpiffeId caller,
      SpiffeId target,
      String action,
      Duration left,
      boolean tell,
      String requestId) {
    JsonBody body = new JsonBody(bytes);
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
        .handle((answer, failure) -> answered(answer, failure, requestId));
  }

  /** A call's outcome: its JSON answer, or the failure's error answer. */
  private static HttpResponse answered(byte[] answer, Throwable failure, String requestId) {
    if (failure != null) {
      return failed(failure, requestId);
    }
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, answer));
  }

  private static HttpResponse failed(Throwable failure, String requestId) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    if (cause instanceof MeshException m) {
      if (m.code() == ErrorCode.INTERNAL) {
        LOG.warn("request {} failed internally: {}", requestId, m.getMessage());
      }
      return WireProtocol.error(m, requestId);
    }
    LOG.error("request {} failed unexpectedly", requestId, cause);
    return WireProtocol.error(ErrorCode.INTERNAL, "internal error", requestId);
  }

  // ---- GET /metrics -----------------------------------------------------------------------------

  private CompletionStage<HttpResponse> metrics(SpiffeId caller, String requestId) {
    return node.checkAuthorization(caller, defaultAgent, "metrics")
        .handle(
            (AuthzDecision d, Throwable e) -> {
              if (e != null || d == null || !d.allowed()) {
                // why is in the node's log under the decision id (the check fails closed)
                String id = d != null && !d.decisionId().isEmpty() ? d.decisionId() : requestId;
                return WireProtocol.error(
                    ErrorCode.PERMISSION_DENIED,
                    "permission denied: "
                        + caller
                        + " may not read the metrics of "
                        + defaultAgent
                        + " (decision "
                        + id
                        + ")",
                    requestId);
              }
              return HttpResponse.create()
                  .withStatus(StatusCodes.OK)
                  .withEntity(
                      HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, node.metrics().scrape()));
            });
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
