package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.a2a.A2aSettings;
import dev.agentweave.mesh.a2a.internal.A2aWire.Version;
import dev.agentweave.mesh.http.spi.GatewayRequest;
import dev.agentweave.mesh.http.spi.GatewayRoute;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.support.Bounded;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The A2A routes of a node's gateway: agent cards ({@code GET
 * /agents/{agent}/.well-known/agent-card.json}, the default agent's at {@code
 * /.well-known/agent-card.json}, and the legacy {@code agent.json} names of both) and the JSON-RPC
 * endpoint {@code POST /agents/{agent}/a2a}. The protocol version is the request's {@code
 * A2A-Version} header (or query parameter); without one it is 0.3. Thread-safe.
 */
final class A2aRoutes implements GatewayRoute {
  static final String VERSION_HEADER = "A2A-Version";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("agentweave.a2a");
  private static final String WELL_KNOWN = ".well-known";
  private static final List<String> CARD_NAMES = List.of("agent-card.json", "agent.json");

  private final NodeContext node;
  private final ObjectMapper json;
  private final String trustDomain;
  private final String defaultAgent;
  private final A2aMethods methods;
  private final A2aSettings.Signing signing;
  private final java.security.PrivateKey signingKey;

  A2aRoutes(NodeContext node, A2aSettings settings) {
    this.node = node;
    this.signing = settings.signing();
    this.signingKey =
        signing.enabled() && !signing.keyFile().isEmpty()
            ? signingKey(java.nio.file.Path.of(signing.keyFile()))
            : null;
    this.json = node.inbound().json();
    this.trustDomain = node.settings().agent().trustDomain();
    this.defaultAgent = node.settings().agent().name();
    this.methods =
        new A2aMethods(
            node,
            new TaskStore(
                settings.maxTasks(),
                settings.maxTaskBytes(),
                settings.taskRetention(),
                Clock.systemUTC()));
    if (signing.enabled()) {
      // refuse to start rather than serve a signature that would not verify elsewhere
      java.net.URI any = java.net.URI.create("https://localhost:1");
      for (Agent a : node.hostedAgentDeclarations()) {
        List<String> empty =
            CardSigner.emptyRequired(AgentCards.card(a, any, trustDomain, Version.V10));
        if (!empty.isEmpty()) {
          throw new IllegalStateException(
              "a2a.signing.enabled: the card of agent '"
                  + a.name()
                  + "' cannot be signed, its required values "
                  + empty
                  + " are empty (declare a capability for skills; the SDKs' canonicalizers drop"
                  + " empty values, so a signature over them would not verify elsewhere)");
        }
      }
    }
  }

  private static java.security.PrivateKey signingKey(java.nio.file.Path file) {
    try {
      java.security.PrivateKey key = dev.agentweave.mesh.identity.x509.Pem.readPrivateKey(file);
      CardSigner.alg(key); // EC or RSA, or refuse now
      return key;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "a2a.signing.key_file "
              + file
              + ": not a usable EC or RSA private key ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** The card, signed when the node signs its cards. */
  private ObjectNode signed(ObjectNode card, Agent agent) {
    if (!signing.enabled()) {
      return card;
    }
    if (signingKey != null) {
      return CardSigner.sign(card, signingKey, List.of(), signing.kid());
    }
    dev.agentweave.mesh.identity.X509Svid svid =
        node.identities().svid(agent.spiffeId(trustDomain));
    String kid = signing.kid().isEmpty() ? thumbprint(svid.leaf()) : signing.kid();
    return CardSigner.sign(card, svid.privateKey(), svid.chain(), kid);
  }

  /** The certificate's SHA-256 thumbprint, base64url: the key id of an SVID signature. */
  private static String thumbprint(java.security.cert.X509Certificate leaf) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }

  @Override
  public Optional<CompletionStage<HttpResponse>> serve(GatewayRequest request) {
    List<String> s = request.segments();
    boolean get = request.method().equals("GET");
    boolean post = request.method().equals("POST");
    // GET /.well-known/agent-card.json
    if (s.size() == 2 && s.get(0).equals(WELL_KNOWN) && CARD_NAMES.contains(s.get(1))) {
      return Optional.of(
          get
              ? request.withoutBody(() -> card(request, defaultAgent))
              : notAllowed(request, "GET"));
    }
    if (s.size() < 3 || !s.get(0).equals("agents")) {
      return Optional.empty();
    }
    String agent = s.get(1);
    // GET /agents/{agent}/.well-known/agent-card.json
    if (s.size() == 4 && s.get(2).equals(WELL_KNOWN) && CARD_NAMES.contains(s.get(3))) {
      return Optional.of(
          get ? request.withoutBody(() -> card(request, agent)) : notAllowed(request, "GET"));
    }
    // POST /agents/{agent}/a2a
    if (s.size() == 3 && s.get(2).equals("a2a")) {
      return Optional.of(post ? rpc(request, agent) : notAllowed(request, "POST"));
    }
    return Optional.empty();
  }

  private Optional<Agent> agent(String name) {
    for (Agent a : node.hostedAgentDeclarations()) {
      if (a.name().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  // ---- cards ------------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> card(GatewayRequest request, String name) {
    Optional<Agent> agent = agent(name);
    if (agent.isEmpty()) {
      return done(
          request.error(
              MeshException.of(
                  ErrorCode.NOT_FOUND,
                  "no agent '" + Bounded.shown(name) + "' is hosted on this node",
                  null)));
    }
    Version v;
    try {
      v = version(request);
    } catch (RpcException e) {
      return done(
          request
              .error(MeshException.of(ErrorCode.INVALID_REQUEST, e.getMessage(), null))
              .addHeader(RawHeader.create("Vary", VERSION_HEADER)));
    }
    return node.advertisedGateway()
        .thenApply(
            gateway -> {
              ObjectNode card =
                  signed(AgentCards.card(agent.get(), gateway, trustDomain, v), agent.get());
              return jsonResponse(card).addHeader(RawHeader.create("Vary", VERSION_HEADER));
            });
  }

  // ---- JSON-RPC
  // -----------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> rpc(GatewayRequest request, String agentName) {
    Duration timeout;
    try {
      timeout = request.timeout();
    } catch (MeshException e) {
      return request.withoutBody(() -> done(request.error(e)));
    }
    return request.jsonBody(
        timeout,
        (body, left) -> {
          Version v = Version.V03;
          JsonNode id = null;
          try {
            JsonNode envelope = envelope(body);
            JsonNode given = envelope.get("id");
            if (given != null && (given.isTextual() || given.isIntegralNumber())) {
              id = given;
            }
            try {
              v = version(request);
            } catch (RpcException e) {
              // a client that names a version it expects errors of the newest shape
              return done(jsonResponse(e.response(id, Version.V10)));
            }
            checkEnvelope(envelope);
            String method = envelope.get("method").asText();
            JsonNode params = envelope.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
              throw RpcException.invalidParams("params: expected an object");
            }
            Optional<Agent> agent = agent(agentName);
            if (agent.isEmpty()) {
              throw RpcException.methodNotFound(
                  "no agent '" + Bounded.shown(agentName) + "' is hosted on this node");
            }
            Version version = v;
            JsonNode requestId = id;
            return methods
                .call(request, agent.get(), version, method, params, left, body.length)
                .thenApply(result -> answer(requestId, result))
                .exceptionally(e -> failure(requestId, version, e, request));
          } catch (RpcException e) {
            return done(jsonResponse(e.response(id, v)));
          } catch (OverloadedException e) {
            return done(request.error(e));
          }
        });
  }

  private static HttpResponse failure(JsonNode id, Version v, Throwable e, GatewayRequest request) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e;
    if (cause instanceof RpcException r) {
      return jsonResponse(r.response(id, v));
    }
    if (cause instanceof OverloadedException o) {
      return request.error(o);
    }
    LOG.error("A2A request {} failed unexpectedly", request.requestId(), cause);
    return jsonResponse(
        RpcException.internal("internal error (request " + request.requestId() + ")")
            .response(id, v));
  }

  private static HttpResponse answer(JsonNode id, Object result) {
    if (result instanceof A2aMethods.EventStream stream) {
      // Server-Sent Events: one data line per JSON-RPC response, each with the request's id
      Source<ByteString, NotUsed> bytes =
          stream
              .events()
              .map(event -> ByteString.fromString("data: " + response(id, event) + "\n\n"));
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .addHeader(RawHeader.create("Cache-Control", "no-store"))
          .withEntity(
              HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), bytes));
    }
    return jsonResponse(response(id, (JsonNode) result));
  }

  private static ObjectNode response(JsonNode id, JsonNode result) {
    ObjectNode r = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    r.put("jsonrpc", "2.0");
    r.set("id", id);
    r.set("result", result);
    return r;
  }

  /** The JSON-RPC request object of a body, checked. */
  private JsonNode envelope(byte[] body) {
    JsonNode n;
    try {
      n = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw RpcException.parse(
          "Invalid JSON payload: "
              + Bounded.cut(e.getOriginalMessage(), 200)
              + (e.getLocation() != null
                  ? " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                  : ""));
    } catch (java.io.IOException e) {
      throw RpcException.parse("Invalid JSON payload: the body could not be read");
    }
    if (n == null || n.isMissingNode()) {
      throw RpcException.invalidRequest("empty body (expected: a JSON-RPC 2.0 request object)");
    }
    if (n.isArray()) {
      throw RpcException.invalidRequest(
          "batch requests are not supported (expected: one JSON-RPC request object per HTTP request)");
    }
    if (!n.isObject()) {
      throw RpcException.invalidRequest("expected a JSON-RPC 2.0 request object");
    }
    return n;
  }

  /** The members of a JSON-RPC request object: {@code jsonrpc}, {@code id} and {@code method}. */
  private static void checkEnvelope(JsonNode n) {
    JsonNode id = n.get("id");
    if (id == null) {
      throw RpcException.invalidRequest(
          "id: missing (A2A requests expect an answer; notifications are not served)");
    }
    if (!(id.isTextual() || id.isIntegralNumber() || id.isNull())) {
      throw RpcException.invalidRequest("id: expected a string, an integer or null");
    }
    if (!"2.0".equals(n.path("jsonrpc").asText(null))) {
      throw RpcException.invalidRequest("jsonrpc: expected \"2.0\"");
    }
    JsonNode method = n.get("method");
    if (method == null || !method.isTextual() || method.asText().isEmpty()) {
      throw RpcException.invalidRequest("method: expected the name of a method");
    }
  }

  /** The request's protocol version: its A2A-Version header or query parameter, else 0.3. */
  static Version version(GatewayRequest request) {
    String asked =
        request
            .http()
            .getHeader(VERSION_HEADER)
            .map(HttpHeader::value)
            .or(() -> request.http().getUri().query().get(VERSION_HEADER))
            .orElse("")
            .trim();
    if (asked.isEmpty() || asked.equals("0.3") || asked.startsWith("0.3.")) {
      return Version.V03;
    }
    if (asked.equals("1.0") || asked.startsWith("1.0.")) {
      return Version.V10;
    }
    throw RpcException.versionNotSupported(asked);
  }

  // ---- HTTP answers -----------------------------------------------------------------------------

  private static CompletionStage<HttpResponse> notAllowed(GatewayRequest request, String allowed) {
    return request.withoutBody(
        () ->
            done(
                request
                    .error(
                        MeshException.of(
                            ErrorCode.INVALID_REQUEST,
                            request.method()
                                + " is not served on this path (expected: "
                                + allowed
                                + ")",
                            null))
                    .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                    .addHeader(RawHeader.create("Allow", allowed))));
  }

  private static HttpResponse jsonResponse(JsonNode body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  @Override
  public String toString() {
    return "A2aRoutes[" + defaultAgent + "]";
  }
}
