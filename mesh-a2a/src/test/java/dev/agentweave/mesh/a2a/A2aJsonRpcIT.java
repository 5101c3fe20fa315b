package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The A2A JSON-RPC binding of a node, over real mutual TLS, in both protocol versions: messages to
 * capabilities, tasks, and every refusal a hostile or careless client can provoke.
 */
class A2aJsonRpcIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLIENT = "spiffe://test.local/agent/client";
  static final String OTHER = "spiffe://test.local/agent/other";

  record Query(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  record Find(String text) {}

  static TestMesh mesh;
  static Gateway gateway;
  static HttpClient client;
  static HttpClient other;
  static volatile CompletableFuture<String> gate = new CompletableFuture<>();

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withDescription("Finds documents")
            .withVersion("2.1.0")
            .withProvider("AgentWeave tests", "https://example.org")
            .withCapability(
                Capability.of(
                        "search",
                        Query.class,
                        Hits.class,
                        (ctx, q) -> new Hits(q.query(), List.of(q.query() + "-1")))
                    .withDescription("Full-text search")
                    .withTags("search", "documents")
                    .withExamples("find pekko"))
            .withCapability(
                Capability.of(
                    "echo",
                    String.class,
                    String.class,
                    (ctx, s) -> s.toUpperCase(java.util.Locale.ROOT)))
            .withCapability(
                Capability.of(
                    "refuse",
                    Query.class,
                    Hits.class,
                    (ctx, q) -> {
                      throw new CapabilityException("query too broad");
                    }))
            .withCapability(Capability.ofAsync("park", Query.class, String.class, (ctx, q) -> gate))
            .withCapability(
                Capability.of(
                    "find", Find.class, Hits.class, (ctx, f) -> new Hits(f.text(), List.of())))
            .withTextCapability("find", "text");
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
                                - {caller: "%s", callee: "spiffe://test.local/agent/search", actions: [search, echo, refuse, park, find]}
                                - {caller: "%s", callee: "spiffe://test.local/agent/search", actions: [search]}
                            server: {max_body_bytes: 4096}
                            """
                                .formatted(CLIENT, OTHER)))
            .start();
    gateway = mesh.node("search").component(Gateway.class);
    client = client(CLIENT);
    other = client(OTHER);
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

  static HttpResponse<String> post(HttpClient c, String version, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + "/agents/search/a2a"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (version != null) {
      b.header("A2A-Version", version);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode rpc(HttpClient c, String version, String method, String params) throws Exception {
    HttpResponse<String> r =
        post(
            c,
            version,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\""
                + method
                + "\",\"params\":"
                + params
                + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(body.get("id").asInt()).isEqualTo(7);
    return body;
  }

  static String message10(String parts) {
    return "{\"message\":{\"messageId\":\"m-1\",\"role\":\"ROLE_USER\",\"parts\":" + parts + "}}";
  }

  static String message03(String parts) {
    return "{\"message\":{\"kind\":\"message\",\"messageId\":\"m-1\",\"role\":\"user\",\"parts\":"
        + parts
        + "}}";
  }

  @Test
  void sendMessage10_dataPartWithSkill_completesWithTheResultAsArtifact() throws Exception {
    JsonNode r =
        rpc(
            client,
            "1.0",
            "SendMessage",
            message10("[{\"data\":{\"skill\":\"search\",\"query\":\"pekko\",\"limit\":3}}]"));
    JsonNode task = r.get("result").get("task");
    assertThat(task.get("status").get("state").asText()).isEqualTo("TASK_STATE_COMPLETED");
    assertThat(task.has("kind")).isFalse();
    JsonNode data = task.get("artifacts").get(0).get("parts").get(0).get("data");
    assertThat(data.get("hits").get(0).asText()).isEqualTo("pekko-1");
    assertThat(task.get("history").get(0).get("role").asText()).isEqualTo("ROLE_USER");
    // the task can be read again, by its owner only
    JsonNode got = rpc(client, "1.0", "GetTask", "{\"id\":\"" + task.get("id").asText() + "\"}");
    assertThat(got.get("result").get("id").asText()).isEqualTo(task.get("id").asText());
    JsonNode stranger =
        rpc(other, "1.0", "GetTask", "{\"id\":\"" + task.get("id").asText() + "\"}");
    assertThat(stranger.get("error").get("code").asInt()).isEqualTo(-32001);
    assertThat(stranger.get("error").get("data").get(0).get("reason").asText())
        .isEqualTo("TASK_NOT_FOUND");
  }

  @Test
  void messageSend03_plainText_runsTheTextCapability() throws Exception {
    JsonNode r =
        rpc(
            client,
            null,
            "message/send",
            message03("[{\"kind\":\"text\",\"text\":\"find pekko\"}]"));
    JsonNode task = r.get("result");
    assertThat(task.get("kind").asText()).isEqualTo("task");
    assertThat(task.get("status").get("state").asText()).isEqualTo("completed");
    JsonNode part = task.get("artifacts").get(0).get("parts").get(0);
    assertThat(part.get("kind").asText()).isEqualTo("data");
    assertThat(part.get("data").get("query").asText()).isEqualTo("find pekko");
    assertThat(task.get("artifacts").get(0).get("name").asText()).isEqualTo("find");
  }

  @Test
  void stringCapability_answersAText_part() throws Exception {
    JsonNode r =
        rpc(
            client,
            "1.0",
            "SendMessage",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"metadata\":{\"skill\":\"echo\"},"
                + "\"parts\":[{\"text\":\"hello\"}]}}");
    JsonNode part = r.get("result").get("task").get("artifacts").get(0).get("parts").get(0);
    assertThat(part.get("text").asText()).isEqualTo("HELLO");
  }

  @Test
  void handlerRejection_failsTheTask_andPolicyDenial_rejectsIt() throws Exception {
    JsonNode failed =
        rpc(
            client,
            "1.0",
            "SendMessage",
            message10("[{\"data\":{\"skill\":\"refuse\",\"query\":\"x\",\"limit\":1}}]"));
    JsonNode status = failed.get("result").get("task").get("status");
    assertThat(status.get("state").asText()).isEqualTo("TASK_STATE_FAILED");
    assertThat(status.get("message").get("parts").get(0).get("text").asText())
        .contains("query too broad");
    assertThat(status.get("message").get("role").asText()).isEqualTo("ROLE_AGENT");
    JsonNode denied =
        rpc(other, "1.0", "SendMessage", message10("[{\"data\":{\"skill\":\"echo\"}}]"));
    assertThat(denied.get("result").get("task").get("status").get("state").asText())
        .isEqualTo("TASK_STATE_REJECTED");
  }

  @Test
  void returnImmediately_answersAtOnce_andCancelEndsTheTask() throws Exception {
    gate = new CompletableFuture<>();
    JsonNode r =
        rpc(
            client,
            "1.0",
            "SendMessage",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"data\":{\"skill\":\"park\","
                + "\"query\":\"q\",\"limit\":1}}]},\"configuration\":{\"returnImmediately\":true}}");
    JsonNode task = r.get("result").get("task");
    assertThat(task.get("status").get("state").asText()).isEqualTo("TASK_STATE_WORKING");
    String id = task.get("id").asText();
    JsonNode canceled = rpc(client, "1.0", "CancelTask", "{\"id\":\"" + id + "\"}");
    assertThat(canceled.get("result").get("status").get("state").asText())
        .isEqualTo("TASK_STATE_CANCELED");
    JsonNode again = rpc(client, "1.0", "CancelTask", "{\"id\":\"" + id + "\"}");
    assertThat(again.get("error").get("code").asInt()).isEqualTo(-32002);
    gate.complete("late"); // the answer that comes after the cancel does not revive the task
    JsonNode got = rpc(client, null, "tasks/get", "{\"id\":\"" + id + "\"}");
    assertThat(got.get("result").get("status").get("state").asText()).isEqualTo("canceled");
  }

  @Test
  void listTasks_pagesTheCallersOwnTasksOnly() throws Exception {
    for (int i = 0; i < 3; i++) {
      rpc(
          other,
          "1.0",
          "SendMessage",
          message10("[{\"data\":{\"skill\":\"search\",\"query\":\"o" + i + "\",\"limit\":1}}]"));
    }
    JsonNode page = rpc(other, "1.0", "ListTasks", "{\"pageSize\":2}").get("result");
    assertThat(page.get("tasks")).hasSize(2);
    assertThat(page.get("pageSize").asInt()).isEqualTo(2);
    int total = page.get("totalSize").asInt();
    assertThat(total).isGreaterThanOrEqualTo(3);
    JsonNode rest =
        rpc(
                other,
                "1.0",
                "ListTasks",
                "{\"pageSize\":100,\"pageToken\":\"" + page.get("nextPageToken").asText() + "\"}")
            .get("result");
    assertThat(rest.get("tasks")).hasSize(total - 2);
    assertThat(rest.get("nextPageToken").asText()).isEmpty();
    JsonNode mine = rpc(client, "1.0", "ListTasks", "{}").get("result");
    for (JsonNode t : mine.get("tasks")) {
      for (JsonNode o : page.get("tasks")) {
        assertThat(t.get("id").asText()).isNotEqualTo(o.get("id").asText());
      }
    }
    JsonNode bad = rpc(other, "1.0", "ListTasks", "{\"pageToken\":\"nonsense!\"}");
    assertThat(bad.get("error").get("code").asInt()).isEqualTo(-32602);
  }

  @Test
  void hostileEnvelopes_getJsonRpcErrors_neverA500() throws Exception {
    record Case(String body, int code, String says) {}
    List<Case> cases =
        List.of(
            new Case("{not json", -32700, "Invalid JSON payload"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\"}",
                -32700,
                "Duplicate field"),
            new Case("[".repeat(1000), -32700, "Invalid JSON payload"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\"} trailing",
                -32700,
                "Invalid JSON"),
            new Case("", -32600, "empty body"),
            new Case("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\"}]", -32600, "batch"),
            new Case("\"just a string\"", -32600, "request object"),
            new Case("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"GetTask\"}", -32600, "jsonrpc"),
            new Case("{\"jsonrpc\":\"2.0\",\"method\":\"GetTask\"}", -32600, "id: missing"),
            new Case("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"GetTask\"}", -32600, "id:"),
            new Case("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", -32600, "method"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Nope\"}", -32601, "'Nope' not found"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":{}}",
                -32601,
                "A2A 0.3 method"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":[1]}",
                -32602,
                "params"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":{}}",
                -32602,
                "params.id"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":{\"id\":\"nope\"}}",
                -32001,
                "not found"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":{\"message\":{}}}",
                -32602,
                "params.message.messageId"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":"
                    + message10("[{\"data\":{\"skill\":\"nope\"}}]")
                    + "}",
                -32602,
                "has no skill 'nope'"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":"
                    + message10("[{\"url\":\"https://example.org/x\"}]")
                    + "}",
                -32005,
                "url and raw parts"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendStreamingMessage\",\"params\":{}}",
                -32602,
                "params.message"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"CreateTaskPushNotificationConfig\"}",
                -32003,
                "push notifications"),
            new Case(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetExtendedAgentCard\"}",
                -32007,
                "extended card"));
    for (Case c : cases) {
      HttpResponse<String> r = post(client, "1.0", c.body());
      assertThat(r.statusCode()).as(c.body()).isEqualTo(200);
      JsonNode error = JSON.readTree(r.body()).get("error");
      assertThat(error).as(c.body() + " -> " + r.body()).isNotNull();
      assertThat(error.get("code").asInt()).as(r.body()).isEqualTo(c.code());
      assertThat(error.get("message").asText()).as(r.body()).contains(c.says());
    }
    // the node still serves
    assertThat(
            rpc(client, "1.0", "SendMessage", message10("[{\"text\":\"still here\"}]"))
                .get("result")
                .get("task")
                .get("status")
                .get("state")
                .asText())
        .isEqualTo("TASK_STATE_COMPLETED");
  }

  @Test
  void unsupportedVersion_isRefusedWithTheSpecificationsCode() throws Exception {
    HttpResponse<String> r =
        post(client, "2.0", "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"GetTask\"}");
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32009);
    assertThat(JSON.readTree(r.body()).get("id").asText()).isEqualTo("a");
  }

  @Test
  void oversizeAndWrongMediaType_areRefusedBeforeTheBodyIsRead() throws Exception {
    HttpResponse<String> big =
        post(
            client,
            "1.0",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "x".repeat(8000) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(big.body()).get("error").get("message").asText())
        .contains("server.max_body_bytes");
    HttpResponse<String> text =
        client.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + "/agents/search/a2a"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + "/agents/search/a2a")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  static HttpResponse<String> get(String path, String version) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path)).GET();
    if (version != null) {
      b.header("A2A-Version", version);
    }
    return other.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void cards_inBothVersions_fromTheDeclaration() throws Exception {
    HttpResponse<String> r03 = get("/agents/search/.well-known/agent-card.json", null);
    assertThat(r03.statusCode()).isEqualTo(200);
    assertThat(r03.headers().firstValue("Vary")).hasValue("A2A-Version");
    JsonNode c03 = JSON.readTree(r03.body());
    String endpoint = gateway.url() + "/agents/search/a2a";
    assertThat(c03.get("name").asText()).isEqualTo("search");
    assertThat(c03.get("description").asText()).isEqualTo("Finds documents");
    assertThat(c03.get("version").asText()).isEqualTo("2.1.0");
    assertThat(c03.get("protocolVersion").asText()).isEqualTo("0.3.0");
    assertThat(c03.get("url").asText()).isEqualTo(endpoint);
    assertThat(c03.get("preferredTransport").asText()).isEqualTo("JSONRPC");
    assertThat(c03.get("capabilities").get("streaming").asBoolean()).isTrue();
    assertThat(c03.get("securitySchemes").get("mtls").get("type").asText()).isEqualTo("mutualTLS");
    assertThat(c03.get("provider").get("organization").asText()).isEqualTo("AgentWeave tests");
    assertThat(c03.get("defaultInputModes").get(0).asText()).isEqualTo("text/plain");
    JsonNode skill = c03.get("skills").get(0);
    assertThat(skill.get("id").asText()).isEqualTo("search");
    assertThat(skill.get("description").asText()).isEqualTo("Full-text search");
    assertThat(skill.get("tags").toString()).isEqualTo("[\"search\",\"documents\"]");
    assertThat(skill.get("examples").get(0).asText()).isEqualTo("find pekko");
    JsonNode schemas = c03.get("capabilities").get("extensions").get(0);
    assertThat(schemas.get("uri").asText()).isEqualTo("urn:agentweave:a2a:skill-schemas:v1");
    JsonNode input = schemas.get("params").get("skills").get("search").get("input");
    assertThat(input.get("properties").get("limit").get("type").asText()).isEqualTo("integer");
    assertThat(input.get("required").toString()).isEqualTo("[\"query\",\"limit\"]");

    JsonNode c10 = JSON.readTree(get("/agents/search/.well-known/agent-card.json", "1.0").body());
    assertThat(c10.has("url")).isFalse();
    assertThat(c10.has("protocolVersion")).isFalse();
    JsonNode first = c10.get("supportedInterfaces").get(0);
    assertThat(first.get("url").asText()).isEqualTo(endpoint);
    assertThat(first.get("protocolBinding").asText()).isEqualTo("JSONRPC");
    assertThat(first.get("protocolVersion").asText()).isEqualTo("1.0");
    assertThat(c10.get("securitySchemes").get("mtls").has("mtlsSecurityScheme")).isTrue();
    assertThat(c10.get("securityRequirements").get(0).get("schemes").has("mtls")).isTrue();

    // the default agent's card, and the legacy name
    JsonNode def = JSON.readTree(get("/.well-known/agent-card.json", null).body());
    assertThat(def.get("name").asText()).isEqualTo("search");
    assertThat(JSON.readTree(get("/.well-known/agent.json", null).body()).get("name").asText())
        .isEqualTo("search");
    HttpResponse<String> missing = get("/agents/nobody/.well-known/agent-card.json", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).get("error").get("message").asText())
        .contains("no agent 'nobody'");
    HttpResponse<String> badVersion = get("/.well-known/agent-card.json", "9.9");
    assertThat(badVersion.statusCode()).isEqualTo(400);
  }

  /** The data lines of an SSE answer, as they arrive. */
  static final class Events implements AutoCloseable {
    final HttpResponse<java.util.stream.Stream<String>> response;
    final java.util.Iterator<String> lines;

    Events(HttpClient c, String version, String method, String params) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(gateway.url() + "/agents/search/a2a"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\""
                          + method
                          + "\",\"params\":"
                          + params
                          + "}"));
      if (version != null) {
        b.header("A2A-Version", version);
      }
      response = c.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      lines = response.body().iterator();
    }

    /** The next event's JSON-RPC result; null when the stream has ended. */
    JsonNode next() throws Exception {
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("data: ")) {
          JsonNode r = JSON.readTree(line.substring(6));
          assertThat(r.get("jsonrpc").asText()).isEqualTo("2.0");
          assertThat(r.get("id").asInt()).isEqualTo(7);
          return r.get("result");
        }
        assertThat(line).as("only data lines and the blank lines between events").isEmpty();
      }
      return null;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  static String parkMessage10(String configuration) {
    return "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"data\":"
        + "{\"skill\":\"park\",\"query\":\"q\",\"limit\":1}}]}"
        + configuration
        + "}";
  }

  @Test
  void sendStreamingMessage10_streamsTheTaskItsArtifactAndItsEnd() throws Exception {
    gate = new CompletableFuture<>();
    try (Events events = new Events(client, "1.0", "SendStreamingMessage", parkMessage10(""))) {
      assertThat(events.response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/event-stream");
      JsonNode task = events.next().get("task");
      assertThat(task.get("status").get("state").asText()).isEqualTo("TASK_STATE_WORKING");
      JsonNode working = events.next().get("statusUpdate");
      assertThat(working.get("taskId").asText()).isEqualTo(task.get("id").asText());
      assertThat(working.get("status").get("state").asText()).isEqualTo("TASK_STATE_WORKING");
      gate.complete("parked answer");
      JsonNode artifact = events.next().get("artifactUpdate");
      assertThat(artifact.get("artifact").get("parts").get(0).get("text").asText())
          .isEqualTo("parked answer");
      assertThat(artifact.get("lastChunk").asBoolean()).isTrue();
      JsonNode done = events.next().get("statusUpdate");
      assertThat(done.get("status").get("state").asText()).isEqualTo("TASK_STATE_COMPLETED");
      assertThat(events.next()).as("the stream ends with the task").isNull();
    }
  }

  @Test
  void messageStream03_endsWithAFinalEvent() throws Exception {
    try (Events events =
        new Events(
            client,
            null,
            "message/stream",
            message03(
                "[{\"kind\":\"data\",\"data\":{\"skill\":\"search\",\"query\":\"s\",\"limit\":1}}]"))) {
      JsonNode first = events.next();
      assertThat(first.get("kind").asText()).isEqualTo("task");
      JsonNode last = first;
      for (JsonNode e = events.next(); e != null; e = events.next()) {
        last = e;
      }
      // a fast capability may have answered before the stream began: then the task says it all
      if (last == first) {
        assertThat(first.get("status").get("state").asText()).isEqualTo("completed");
      } else {
        assertThat(last.get("kind").asText()).isEqualTo("status-update");
        assertThat(last.get("final").asBoolean()).isTrue();
        assertThat(last.get("status").get("state").asText()).isEqualTo("completed");
      }
    }
  }

  @Test
  void subscribeToTask_followsAWorkingTask_andRefusesAnEndedOne() throws Exception {
    gate = new CompletableFuture<>();
    JsonNode started =
        rpc(
            client,
            "1.0",
            "SendMessage",
            parkMessage10(",\"configuration\":{\"returnImmediately\":true}"));
    String id = started.get("result").get("task").get("id").asText();
    JsonNode stranger = rpc(other, "1.0", "SubscribeToTask", "{\"id\":\"" + id + "\"}");
    assertThat(stranger.get("error").get("code").asInt()).isEqualTo(-32001);
    try (Events events = new Events(client, "1.0", "SubscribeToTask", "{\"id\":\"" + id + "\"}")) {
      assertThat(events.next().get("task").get("id").asText()).isEqualTo(id);
      assertThat(events.next().get("statusUpdate").get("status").get("state").asText())
          .isEqualTo("TASK_STATE_WORKING");
      gate.complete("followed");
      assertThat(events.next().has("artifactUpdate")).isTrue();
      assertThat(events.next().get("statusUpdate").get("status").get("state").asText())
          .isEqualTo("TASK_STATE_COMPLETED");
      assertThat(events.next()).isNull();
    }
    JsonNode ended = rpc(client, null, "tasks/resubscribe", "{\"id\":\"" + id + "\"}");
    assertThat(ended.get("error").get("code").asInt()).isEqualTo(-32004);
    assertThat(ended.get("error").get("message").asText()).contains("has ended (completed)");
  }
}
