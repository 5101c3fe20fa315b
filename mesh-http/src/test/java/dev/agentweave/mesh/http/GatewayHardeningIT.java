package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TestNode;
import dev.agentweave.mesh.testkit.TlsClients;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway under hostile input, over real mutual TLS: connection abuse (silent, dribbling, idle,
 * too many), body sizes around the limit in every framing, strict JSON, media types, protocol-level
 * errors, caller-chosen action names, and what is logged and counted.
 */
class GatewayHardeningIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ORCHESTRATOR = "spiffe://test.local/agent/orchestrator";
  static final int MIB = 1024 * 1024;

  record Search(String query, int limit) {}

  static TestMesh mesh;
  static MeshNode node;
  static Gateway gateway;
  static SSLContext orchestratorTls;
  static HttpClient orchestrator;
  static ListAppender<ILoggingEvent> gatewayLog;

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withCapability(
                Capability.of(
                    "search",
                    Search.class,
                    Map.class,
                    (ctx, q) -> Map.of("query", q.query(), "limit", q.limit())))
            .withCapability(
                Capability.of(
                    "process",
                    Map.class,
                    Map.class,
                    (ctx, p) -> Map.of("keys", p.size(), "data", String.valueOf(p.get("data")))));
    gatewayLog = new ListAppender<>();
    gatewayLog.start();
    ((Logger) LoggerFactory.getLogger("agentweave.gateway")).addAppender(gatewayLog);
    mesh =
        TestMesh.builder()
            .node(
                "search",
                n ->
                    n.agent(search)
                        .gateway()
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "%s", callee: "spiffe://test.local/agent/*", actions: ["*"]}
                            server:
                              max_connections: 120
                              max_connections_per_address: 50
                              handshake_timeout_seconds: 1
                              first_request_timeout_seconds: 2
                              idle_timeout_seconds: 2
                            """
                                .formatted(ORCHESTRATOR)))
            .start();
    node = mesh.node("search").node();
    gateway = mesh.node("search").component(Gateway.class);
    orchestratorTls = TlsClients.context(mesh.issue("orchestrator"), mesh.root());
    orchestrator = TlsClients.http11(orchestratorTls);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("agentweave.gateway")).detachAppender(gatewayLog);
    if (mesh != null) {
      mesh.close();
    }
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    } else {
      b.header("Content-Type", "application/json");
    }
    return orchestrator.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postChunked(byte[] body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(gateway.url() + "/task"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    return orchestrator.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** The error object of a JSON error response, checked for a request ID in body and header. */
  static JsonNode error(int status, Map<String, String> headers, String body) throws Exception {
    assertThat(headers.get("content-type"))
        .as("content type of %s", body)
        .startsWith("application/json");
    JsonNode e = JSON.readTree(body).get("error");
    assertThat(e).as("error body of %s", body).isNotNull();
    assertThat(e.get("code").asText()).isNotEmpty();
    assertThat(e.get("request_id").asText()).matches("[0-9a-f]{16}|[A-Za-z0-9._:-]+");
    assertThat(headers.get("x-request-id")).isEqualTo(e.get("request_id").asText());
    assertNoJavaNames(e.get("message").asText());
    return e;
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    Map<String, String> h = new java.util.HashMap<>();
    r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    return error(r.statusCode(), h, r.body());
  }

  static byte[] processBody(int totalBytes) {
    String head = "{\"action\":\"process\",\"data\":\"";
    // the answer echoes the data: its length is totalBytes - head - tail
    String tail = "\"}";
    int fill = totalBytes - head.length() - tail.length();
    byte[] out = new byte[totalBytes];
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(h, 0, out, 0, h.length);
    java.util.Arrays.fill(out, h.length, h.length + fill, (byte) 'x');
    byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, out, h.length + fill, t.length);
    return out;
  }

  static void assertServes() throws Exception {
    HttpResponse<String> r = post("/task", "{\"action\":\"search\",\"query\":\"q\",\"limit\":1}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static double count(String name, String reason) {
    Counter c = node.metrics().registry().find(name).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  // ---- 4. the body limit ----------------------------------------------------------------------

  @Test
  void bodiesBetween8And10MiB_areServed_declaredOrChunked() throws Exception {
    byte[] nine = processBody(9 * MIB);
    HttpResponse<String> declared =
        orchestrator.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + "/task"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(nine))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).as(declared.body().substring(0, 200)).isEqualTo(200);
    HttpResponse<String> chunked = postChunked(nine);
    assertThat(chunked.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(chunked.body()).get("data").asText())
        .hasSize(nine.length - "{\"action\":\"process\",\"data\":\"\"}".length());
  }

  @Test
  void bodiesOverTheLimit_are413_declaredOrChunked() throws Exception {
    byte[] over = processBody(10 * MIB + 1);
    HttpResponse<String> declared =
        orchestrator.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + "/task"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(over))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(error(declared).get("code").asText()).isEqualTo("payload_too_large");
    HttpResponse<String> chunked = postChunked(processBody(11 * MIB));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(error(chunked).get("message").asText()).contains("10485760 bytes");
    assertServes();
  }

  // ---- 7. strict JSON, media types -------------------------------------------------------------

  @Test
  void strictJson_everyRuleIsA400NamingWhatWasWrong() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"action\":\"search\",\"action\":\"process\"}", "duplicate field 'action'");
    cases.put("{\"action\":\"search\",\"query\":\"q\",\"limit\":1} garbage", "malformed JSON");
    cases.put(
        "{\"action\":\"search\",\"query\":\"q\",\"limit\":1}{\"action\":\"process\"}",
        "data after the JSON value");
    cases.put("{\"action\":\"search\",\"query\":1,\"limit\":1}", "field 'query'");
    cases.put("{\"action\":\"search\",\"query\":\"q\",\"limit\":\"10\"}", "field 'limit'");
    cases.put("{\"action\":\"search\",\"query\":\"q\",\"limit\":1.5}", "field 'limit'");
    cases.put("{\"action\":\"process\",\"data\":1e999999}", "out of range");
    cases.put("{\"action\":\"search\",\"query\":\"q\",\"limit\":1,\"x\":1}", "field 'x'");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = post("/task", c.getKey());
      assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
      assertThat(error(r).get("message").asText()).as(c.getKey()).contains(c.getValue());
    }
    assertServes();
  }

  @Test
  void declaredNonJsonBodies_are415() throws Exception {
    String body = "{\"action\":\"search\",\"query\":\"q\",\"limit\":1}";
    HttpResponse<String> text = post("/task", body, "Content-Type", "text/plain");
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(error(text).get("message").asText()).contains("text/plain", "application/json");
    HttpResponse<String> form =
        post("/task", body, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(form.statusCode()).isEqualTo(415);
    // application/json has no charset parameter (RFC 8259: JSON is UTF-8); Pekko HTTP drops it
    HttpResponse<String> latin =
        post("/task", body, "Content-Type", "application/vnd.agent+json; charset=ISO-8859-1");
    assertThat(latin.statusCode()).isEqualTo(415);
    assertThat(error(latin).get("message").asText()).contains("UTF-8");
    HttpResponse<String> gzip =
        post("/task", body, "Content-Type", "application/json", "Content-Encoding", "gzip");
    assertThat(gzip.statusCode()).isEqualTo(415);
    assertThat(error(gzip).get("message").asText()).contains("Content-Encoding gzip");
    HttpResponse<String> utf8 =
        post("/task", body, "Content-Type", "application/json; charset=utf-8");
    assertThat(utf8.statusCode()).isEqualTo(200);
    HttpResponse<String> none = post("/task", body, "X-None", "1"); // no Content-Type at all
    assertThat(none.statusCode()).isEqualTo(200);
  }

  // ---- 6. protocol-level errors ----------------------------------------------------------------

  @Test
  void protocolErrors_areOurJsonWithARequestId_andCounted() throws Exception {
    double before = count("gateway.requests.malformed", "bad_request");
    String big = "a".repeat(20_000);
    Map<String, Integer> cases = new java.util.LinkedHashMap<>();
    cases.put("GET /whoami HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431);
    cases.put("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    cases.put("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    cases.put("FOO /whoami HTTP/1.1\r\nHost: x\r\n\r\n", 501);
    cases.put(
        "POST /task HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\n",
        400);
    cases.put(
        "POST /task HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n{}{}",
        400);
    cases.put("GET /whoami HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400);
    cases.put("GET /whoami HTTP/9.9\r\nHost: x\r\n\r\n", 505);
    for (var c : cases.entrySet()) {
      try (RawHttp raw = RawHttp.connect(orchestratorTls, gateway.port())) {
        RawHttp.Response r = raw.send(c.getKey()).read();
        String shown = c.getKey().substring(0, Math.min(60, c.getKey().length()));
        assertThat(r.status()).as(shown + " -> " + r.body()).isEqualTo(c.getValue());
        error(r.status(), r.headers(), r.body());
      }
    }
    assertThat(count("gateway.requests.malformed", "bad_request"))
        .isGreaterThanOrEqualTo(before + 4);
    assertServes();
  }

  @Test
  void malformedRequestWarnings_areRateLimited_butAllCounted() throws Exception {
    double before = count("gateway.requests.malformed", "bad_request");
    int linesBefore = lines("refused a malformed request");
    for (int i = 0; i < 30; i++) {
      try (RawHttp raw = RawHttp.connect(orchestratorTls, gateway.port())) {
        assertThat(raw.send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
            .isEqualTo(400);
      }
    }
    assertThat(count("gateway.requests.malformed", "bad_request")).isEqualTo(before + 30);
    assertThat(lines("refused a malformed request") - linesBefore).isBetween(1, 10);
  }

  static int lines(String containing) {
    synchronized (gatewayLog) {
      return (int)
          new ArrayList<>(gatewayLog.list)
              .stream().filter(e -> e.getFormattedMessage().contains(containing)).count();
    }
  }

  // ---- 2. caller-chosen action names -----------------------------------------------------------

  @Test
  void hugeActionNames_are400_andNeverReachAMeter() throws Exception {
    for (int i = 0; i < 5; i++) {
      String action = i + "A".repeat(4 * MIB);
      HttpResponse<String> r = post("/task", "{\"action\":\"" + action + "\"}");
      assertThat(r.statusCode()).isEqualTo(400);
      String message = error(r).get("message").asText();
      assertThat(message.length()).isLessThan(400);
      assertThat(message).contains("...[+", "expected: a capability name");
    }
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> r = post("/task", "{\"action\":\"nosuch_" + i + "\"}");
      assertThat(r.statusCode()).isEqualTo(404);
    }
    HttpResponse<String> metrics =
        orchestrator.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + "/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).doesNotContain("nosuch_").doesNotContain("AAAA");
    assertThat(metrics.body()).contains("action=\"unknown\"");
    assertThat(metrics.body().length()).isLessThan(2 * MIB);
  }

  // ---- 1. connection abuse ---------------------------------------------------------------------

  @Test
  void silentConnections_doNotLockOutAGoodClient_andAreClosedAfterTheHandshakeTimeout()
      throws Exception {
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 80; i++) {
        silent.add(plain("127.0.0.2"));
      }
      // beyond max_connections_per_address (50), closed at once
      int refused = 0;
      for (Socket s : silent.subList(50, 80)) {
        if (closed(s, 2_000)) {
          refused++;
        }
      }
      assertThat(refused).isEqualTo(30);
      long t0 = System.nanoTime();
      HttpClient fresh = TlsClients.http11(orchestratorTls);
      HttpResponse<String> r =
          fresh.send(
              HttpRequest.newBuilder(URI.create(gateway.url() + "/whoami"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      // the 50 held ones are cut once the handshake timeout (1 s) passes
      for (Socket s : silent.subList(0, 50)) {
        assertThat(closed(s, 5_000)).isTrue();
      }
      assertThat(count("gateway.connections.closed", "handshake_timeout"))
          .isGreaterThanOrEqualTo(50);
      assertThat(count("gateway.connections.refused", "max_connections_per_address"))
          .isGreaterThanOrEqualTo(30);
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }

  @Test
  void aClientHelloDribbledByteByByte_isCutAtTheHandshakeTimeout() throws Exception {
    byte[] hello = clientHello();
    try (Socket s = plain("127.0.0.5")) {
      OutputStream out = s.getOutputStream();
      long t0 = System.nanoTime();
      boolean cut = false;
      for (int i = 0; i < hello.length && i < 40; i++) {
        try {
          out.write(hello[i]);
          out.flush();
        } catch (IOException e) {
          cut = true;
          break;
        }
        if (closed(s, 150)) {
          cut = true;
          break;
        }
      }
      assertThat(cut).as("connection cut while still dribbling").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void authenticatedIdleConnections_areClosed_andDoNotLockOutOthers() throws Exception {
    List<RawHttp> idle = new ArrayList<>();
    try {
      // a keep-alive connection that serves a request, then idles
      RawHttp used = RawHttp.connect(orchestratorTls, "127.0.0.3", gateway.port());
      idle.add(used);
      assertThat(used.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
          .isEqualTo(200);
      for (int i = 1; i < 50; i++) {
        idle.add(RawHttp.connect(orchestratorTls, "127.0.0.3", gateway.port()));
      }
      // one more from that address is closed at once, before or during its handshake
      assertThatThrownBy(
              () -> {
                try (RawHttp extra =
                    RawHttp.connect(orchestratorTls, "127.0.0.3", gateway.port())) {
                  extra.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n").read();
                }
              })
          .isInstanceOf(IOException.class);
      long t0 = System.nanoTime();
      assertServes();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      // the one that served a request is closed by the idle timeout (2 s)
      assertThat(used.closedByServer(6_000)).isTrue();
      // the others never sent a request: closed by the first-request timeout (2 s)
      for (RawHttp r : idle.subList(1, 50)) {
        assertThat(r.closedByServer(6_000)).isTrue();
      }
      assertThat(count("gateway.connections.closed", "idle")).isGreaterThanOrEqualTo(1);
      assertThat(count("gateway.connections.closed", "first_request_timeout"))
          .isGreaterThanOrEqualTo(49);
    } finally {
      for (RawHttp r : idle) {
        r.close();
      }
    }
  }

  @Test
  void beyondMaxConnections_newConnectionsAreClosedAtOnce() throws Exception {
    List<Socket> held = new ArrayList<>();
    TestNode small =
        mesh.add(
            "small",
            n ->
                n.gateway()
                    .yaml(
                        """
                        authorization: {allow: []}
                        server: {max_connections: 10, handshake_timeout_seconds: 60}
                        """));
    try {
      Gateway g = small.component(Gateway.class);
      for (int i = 0; i < 15; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", g.port()), 5_000);
        held.add(s);
      }
      int closedAtOnce = 0;
      for (Socket s : held) {
        if (closed(s, 300)) {
          closedAtOnce++;
        }
      }
      assertThat(closedAtOnce).isEqualTo(5);
      assertThat(g.connections()).isEqualTo(10);
      Counter refused =
          small
              .node()
              .metrics()
              .registry()
              .find("gateway.connections.refused")
              .tag("reason", "max_connections")
              .counter();
      assertThat(refused.count()).isEqualTo(5);
    } finally {
      for (Socket s : held) {
        s.close();
      }
      mesh.stop("small");
    }
  }

  // ---- 8. a missing certificate is logged and counted ------------------------------------------

  @Test
  void aHandshakeWithoutACertificate_isRefused_loggedAndCounted() throws Exception {
    double before = count("gateway.handshakes.failed", "no_client_certificate");
    int linesBefore = lines("no_client_certificate");
    SSLContext anonymous = TlsClients.context(null, mesh.root());
    assertThatThrownBy(
            () -> {
              try (RawHttp raw = RawHttp.connect(anonymous, gateway.port())) {
                raw.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n").read();
              }
            })
        .isInstanceOf(IOException.class);
    org.awaitility.Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> count("gateway.handshakes.failed", "no_client_certificate") == before + 1);
    org.awaitility.Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> lines("no_client_certificate") > linesBefore);
    assertServes();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** No Java class, package or library name in a message meant for callers. */
  static void assertNoJavaNames(String message) {
    assertThat(message)
        .doesNotContain("java.")
        .doesNotContain("dev.agentweave")
        .doesNotContain("`")
        .doesNotContain("class ")
        .doesNotContain("Jackson")
        .doesNotContain("Exception")
        .doesNotContain("pekko")
        .doesNotContain("$");
  }

  static Socket plain(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
    return s;
  }

  /** Whether the peer closed (EOF or reset) within the time. */
  static boolean closed(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      InputStream in = s.getInputStream();
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The first bytes a real TLS 1.3 client sends: its ClientHello record. */
  static byte[] clientHello() throws Exception {
    SSLContext ctx = orchestratorTls;
    javax.net.ssl.SSLEngine engine = ctx.createSSLEngine("localhost", 8443);
    engine.setUseClientMode(true);
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(64 * 1024);
    engine.beginHandshake();
    engine.wrap(java.nio.ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }
}
