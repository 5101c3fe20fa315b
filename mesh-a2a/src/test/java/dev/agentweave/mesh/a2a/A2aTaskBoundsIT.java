package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
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
 * A caller that leaves tasks running to fill the node: beyond {@code a2a.max_tasks} running tasks a
 * new message is answered 503 with {@code Retry-After}, the kept tasks stay readable, and once they
 * finish new messages are taken again (the finished ones make room).
 */
class A2aTaskBoundsIT {
  static final ObjectMapper JSON = new ObjectMapper();

  record Q(String q) {}

  static final CompletableFuture<String> gate = new CompletableFuture<>();
  static TestMesh mesh;
  static HttpClient client;
  static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    Agent a =
        Agent.of("worker")
            .withCapability(Capability.ofAsync("park", Q.class, String.class, (ctx, q) -> gate));
    mesh =
        TestMesh.builder()
            .node(
                "worker",
                n ->
                    n.agent(a)
                        .gateway()
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "spiffe://test.local/agent/filler", callee: "spiffe://test.local/agent/worker", actions: [park]}
                            a2a: {max_tasks: 3}
                            server: {request_timeout_seconds: 60}
                            """))
            .start();
    endpoint = mesh.node("worker").component(Gateway.class).url() + "/agents/worker/a2a";
    client = TlsClients.http11(TlsClients.context(mesh.issue("filler"), mesh.root()));
  }

  @AfterAll
  static void stop() {
    gate.complete("done");
    if (mesh != null) {
      mesh.close();
    }
  }

  static HttpResponse<String> send(String method, String params) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(endpoint))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("A2A-Version", "1.0")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                        + method
                        + "\",\"params\":"
                        + params
                        + "}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static final String PARK =
      "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"data\":{\"skill\":\"park\","
          + "\"q\":\"x\"}}]},\"configuration\":{\"returnImmediately\":true}}";

  @Test
  void runningTasksFillTheNode_thenNewMessagesWait_andFinishedTasksMakeRoom() throws Exception {
    String first = null;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = send("SendMessage", PARK);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode task = JSON.readTree(r.body()).get("result").get("task");
      assertThat(task.get("status").get("state").asText()).isEqualTo("TASK_STATE_WORKING");
      first = first == null ? task.get("id").asText() : first;
    }
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> full = send("SendMessage", PARK);
      assertThat(full.statusCode()).isEqualTo(503);
      assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(JSON.readTree(full.body()).get("error").get("message").asText())
          .contains("a2a.max_tasks");
    }
    JsonNode kept = JSON.readTree(send("GetTask", "{\"id\":\"" + first + "\"}").body());
    assertThat(kept.get("result").get("status").get("state").asText())
        .isEqualTo("TASK_STATE_WORKING");
    // follow the first task to its end, so that the test knows it has finished
    HttpResponse<java.util.stream.Stream<String>> follow =
        client.send(
            HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("A2A-Version", "1.0")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"SubscribeToTask\","
                            + "\"params\":{\"id\":\""
                            + first
                            + "\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(follow.statusCode()).isEqualTo(200);
    gate.complete("done");
    List<String> events;
    try (java.util.stream.Stream<String> lines = follow.body()) {
      events = lines.filter(l -> l.startsWith("data: ")).toList(); // ends with the task
    }
    assertThat(events.get(events.size() - 1)).contains("TASK_STATE_COMPLETED");
    // a finished task now makes room: the oldest finished one, the first, goes
    HttpResponse<String> afterwards = send("SendMessage", PARK);
    assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(200);
    JsonNode gone = JSON.readTree(send("GetTask", "{\"id\":\"" + first + "\"}").body());
    assertThat(gone.get("error").get("code").asInt()).isEqualTo(-32001);
  }
}
