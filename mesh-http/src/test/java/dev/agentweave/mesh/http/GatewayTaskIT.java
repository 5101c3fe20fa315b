package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.internal.WireProtocol;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /task}, {@code POST /agents/{agent}/task} and {@code GET /metrics} over real mutual
 * TLS, with every error status the gateway answers.
 */
class GatewayTaskIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ORCHESTRATOR = "spiffe://test.local/agent/orchestrator";
  static final String OUTSIDER = "spiffe://test.local/agent/outsider";

  record Search(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  record Process(Map<String, String> data) {}

  static TestMesh mesh;
  static Gateway gateway;
  static HttpClient orchestrator;
  static HttpClient outsider;

  /** What the "park" capability answers with; each test that parks calls sets a fresh one. */
  static volatile CompletableFuture<String> gate = new CompletableFuture<>();

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withCapability(
                Capability.of(
                    "search",
                    Search.class,
                    Hits.class,
                    (ctx, q) -> new Hits(q.query(), List.of(q.query() + "-1", q.query() + "-2"))))
            .withCapability(
                Capability.of(
                    "process",
                    Process.class,
                    Map.class,
                    (ctx, p) -> Map.of("keys", p.data().size())))
            .withCapability(
                Capability.of(
                    "reject",
                    Map.class,
                    Map.class,
                    (ctx, p) -> {
                      throw new CapabilityException("query too broad");
                    }))
            .withCapability(
                Capability.of(
                    "boom",
                    Map.class,
                    Map.class,
                    (ctx, p) -> {
                      throw new IllegalStateException("secret internals: db password hunter2");
                    }))
            .withCapability(Capability.ofAsync("park", Map.class, String.class, (ctx, p) -> gate));
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
                            server: {max_body_bytes: 2048, max_concurrent_requests: 2}
                            """
                                .formatted(ORCHESTRATOR)))
            .start();
    gateway = mesh.node("search").component(Gateway.class);
    orchestrator = client(ORCHESTRATOR);
    outsider = client(OUTSIDER);
  }

  @AfterAll
  static void stop() {
    gate.complete("done");
    if (mesh != null) {
      mesh.close();
    }
  }

  static HttpClient client(String id) throws Exception {
    return TlsClients.http11(
        TlsClients.context(mesh.issue(SpiffeId.parse(id).agentName()), mesh.root()));
  }

  static HttpResponse<String> post(HttpClient client, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    JsonNode e = JSON.readTree(r.body()).get("error");
    assertThat(e).as("error body of %s", r.body()).isNotNull();
    assertThat(e.get("request_id").asText()).isNotEmpty();
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue(e.get("request_id").asText());
    return e;
  }

  @Test
  void theGuidesLoadTestPayloads_workAgainstPostTask() throws Exception {
    HttpResponse<String> r =
        post(
            orchestrator, "/task", "{\"action\":\"search\",\"query\":\"test query\",\"limit\":10}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"query\":\"test query\",\"hits\":[\"test query-1\",\"test query-2\"]}"));

    HttpResponse<String> p =
        post(orchestrator, "/task", "{\"action\":\"process\",\"data\":{\"key\":\"value\"}}");
    assertThat(p.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(p.body()).get("keys").asInt()).isEqualTo(1);
  }

  @Test
  void agentsPath_callsTheNamedAgent_andKeepsTheCallersRequestId() throws Exception {
    HttpResponse<String> r =
        post(
            orchestrator,
            "/agents/search/task",
            "{\"action\":\"search\",\"query\":\"q\",\"limit\":1}",
            "X-Request-Id",
            "abc-123");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("abc-123");
  }

  @Test
  void malformedJson_is400_withTheLocation() throws Exception {
    HttpResponse<String> r = post(orchestrator, "/task", "{\"action\": \"search\", \"query\": }");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.get("code").asText()).isEqualTo("invalid_request");
    assertThat(e.get("message").asText()).startsWith("malformed JSON").contains("line 1, column");
  }

  @Test
  void wrongFieldType_is400_namingTheField() throws Exception {
    HttpResponse<String> r =
        post(orchestrator, "/task", "{\"action\":\"search\",\"query\":\"q\",\"limit\":\"ten\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).get("message").asText()).contains("field 'limit'");
  }

  @Test
  void missingOrNonStringAction_andNonObjectBodies_are400() throws Exception {
    assertThat(error(post(orchestrator, "/task", "{\"query\":\"q\"}")).get("message").asText())
        .contains("field 'action' is missing");
    assertThat(error(post(orchestrator, "/task", "{\"action\":7}")).get("message").asText())
        .contains("field 'action': 7");
    HttpResponse<String> array = post(orchestrator, "/task", "[1,2]");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(error(array).get("message").asText()).contains("JSON array");
    HttpResponse<String> empty = post(orchestrator, "/task", "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(error(empty).get("message").asText()).contains("empty");
  }

  @Test
  void deniedCaller_is403_andLearnsNothingAboutWhatExists() throws Exception {
    HttpResponse<String> known = post(outsider, "/task", "{\"action\":\"search\"}");
    HttpResponse<String> unknownAction = post(outsider, "/task", "{\"action\":\"nope\"}");
    HttpResponse<String> unknownAgent =
        post(outsider, "/agents/ghost/task", "{\"action\":\"search\"}");
    for (HttpResponse<String> r : List.of(known, unknownAction, unknownAgent)) {
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(error(r).get("code").asText()).isEqualTo("permission_denied");
    }
  }

  @Test
  void unknownAgentOrAction_is404_forAnAuthorizedCaller() throws Exception {
    HttpResponse<String> action = post(orchestrator, "/task", "{\"action\":\"nope\"}");
    assertThat(action.statusCode()).isEqualTo(404);
    assertThat(error(action).get("message").asText()).contains("no capability 'nope'");
    HttpResponse<String> agent = post(orchestrator, "/agents/ghost/task", "{\"action\":\"x\"}");
    assertThat(agent.statusCode()).isEqualTo(404);
    assertThat(error(agent).get("message").asText()).contains("not hosted");
  }

  @Test
  void bodyOverTheLimit_is413() throws Exception {
    String big = "{\"action\":\"search\",\"query\":\"" + "x".repeat(4096) + "\",\"limit\":1}";
    HttpResponse<String> r = post(orchestrator, "/task", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(error(r).get("message").asText()).contains("2048 bytes");
  }

  @Test
  void handlerRejection_is422_andAnUnexpectedFailure_is500WithoutInternals() throws Exception {
    HttpResponse<String> rejected = post(orchestrator, "/task", "{\"action\":\"reject\"}");
    assertThat(rejected.statusCode()).isEqualTo(422);
    assertThat(error(rejected).get("message").asText()).contains("query too broad");
    HttpResponse<String> boom = post(orchestrator, "/task", "{\"action\":\"boom\"}");
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(error(boom).get("message").asText()).isEqualTo("internal error");
    assertThat(boom.body()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
  }

  @Test
  void theCallersDeadline_is504_andABadTimeoutHeader_is400() throws Exception {
    CompletableFuture<String> held = new CompletableFuture<>();
    gate = held;
    HttpResponse<String> late =
        post(orchestrator, "/task", "{\"action\":\"park\"}", "X-AgentWeave-Timeout-Ms", "200");
    assertThat(late.statusCode()).isEqualTo(504);
    assertThat(error(late).get("code").asText()).isEqualTo("deadline_exceeded");
    held.complete("too late");
    HttpResponse<String> bad =
        post(orchestrator, "/task", "{\"action\":\"search\"}", "X-AgentWeave-Timeout-Ms", "soon");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(error(bad).get("message").asText()).contains("X-AgentWeave-Timeout-Ms");
  }

  @Test
  void overTheConcurrentRequestLimit_is503WithRetryAfter() throws Exception {
    CompletableFuture<String> held = new CompletableFuture<>();
    gate = held;
    // Two requests hold the gateway's two slots (max_concurrent_requests: 2) in a parked handler.
    List<CompletableFuture<HttpResponse<String>>> parked = List.of(parkAsync(), parkAsync());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> gateway.requestsInFlight() == 2);
    HttpResponse<String> r = post(orchestrator, "/task", "{\"action\":\"search\"}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(error(r).get("code").asText()).isEqualTo("overloaded");
    held.complete("released");
    for (CompletableFuture<HttpResponse<String>> p : parked) {
      HttpResponse<String> done = p.get(30, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).isEqualTo("\"released\"");
    }
  }

  static CompletableFuture<HttpResponse<String>> parkAsync() {
    return orchestrator.sendAsync(
        HttpRequest.newBuilder(URI.create(gateway.url() + "/task"))
            .timeout(Duration.ofSeconds(30))
            .header(WireProtocol.TIMEOUT_HEADER, "20000")
            .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"park\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metrics_isPrometheusText_forAnAuthorizedCaller_and403Otherwise() throws Exception {
    HttpResponse<String> ok = TlsClients.get(orchestrator, gateway.url(), "/metrics");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(ok.body()).contains("# TYPE");
    HttpResponse<String> denied = TlsClients.get(outsider, gateway.url(), "/metrics");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(error(denied).get("code").asText()).isEqualTo("permission_denied");
    // The caller learns the decision's id, not the policy's reason (that is in the node's log).
    assertThat(error(denied).get("message").asText())
        .startsWith("permission denied: ")
        .matches(".*may not read the metrics of .*\\(decision [0-9a-f]{32}\\)")
        .doesNotContain("allow rule");
  }
}
