package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import io.a2a.A2A;
import io.a2a.client.Client;
import io.a2a.client.ClientEvent;
import io.a2a.client.TaskEvent;
import io.a2a.client.TaskUpdateEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.http.A2AHttpClient;
import io.a2a.client.http.JdkA2AHttpClient;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfig;
import io.a2a.spec.AgentCard;
import io.a2a.spec.DataPart;
import io.a2a.spec.Task;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TaskState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with the official A2A Java SDK's client ({@code io.github.a2asdk}, 0.3.3.Final, A2A 0.3,
 * JSON-RPC transport): it reads the default agent's card, sends a message, streams one and reads
 * the task back over mutual TLS. The SDK's HTTP client has no TLS options; it takes the JVM's
 * default {@link SSLContext} when it is made, so the test sets that to the client certificate's
 * context for the moment of making it and puts the previous one back.
 */
class A2aJavaSdkIT {
  record Query(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  static TestMesh mesh;
  static A2AHttpClient http;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    Agent search =
        Agent.of("search")
            .withDescription("Finds documents")
            .withCapability(
                Capability.of(
                    "search",
                    Query.class,
                    Hits.class,
                    (ctx, q) -> new Hits(q.query(), List.of(q.query().toUpperCase(Locale.ROOT)))))
            .withTextCapability("search", text -> new Query(text, 10));
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
                                - {caller: "spiffe://test.local/agent/java", callee: "spiffe://test.local/agent/search", actions: [search]}
                            """))
            .start();
    url = mesh.node("search").component(Gateway.class).url().toString();
    SSLContext previous = SSLContext.getDefault();
    SSLContext.setDefault(TlsClients.context(mesh.issue("java"), mesh.root()));
    try {
      http = new JdkA2AHttpClient();
    } finally {
      SSLContext.setDefault(previous);
    }
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  static Client client(AgentCard card, boolean streaming, CompletableFuture<Task> done)
      throws Exception {
    return Client.builder(card)
        .clientConfig(ClientConfig.builder().setStreaming(streaming).build())
        .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig(http))
        .addConsumer(
            (ClientEvent event, AgentCard c) -> {
              Task task =
                  event instanceof TaskEvent t
                      ? t.getTask()
                      : event instanceof TaskUpdateEvent u ? u.getTask() : null;
              if (task != null && task.getStatus().state() == TaskState.COMPLETED) {
                done.complete(task);
              }
            })
        .streamingErrorHandler(done::completeExceptionally)
        .build();
  }

  @Test
  void theOfficialJavaSdk_readsTheCard_sends_streams_andGetsTheTask() throws Exception {
    AgentCard card = A2A.getAgentCard(http, url);
    assertThat(card.name()).isEqualTo("search");
    assertThat(card.url()).isEqualTo(url + "/agents/search/a2a");
    assertThat(card.capabilities().streaming()).isTrue();

    CompletableFuture<Task> sent = new CompletableFuture<>();
    Client plain = client(card, false, sent);
    plain.sendMessage(A2A.toUserMessage("circuit breakers"), null);
    Task task = sent.get(30, TimeUnit.SECONDS);
    DataPart part = (DataPart) task.getArtifacts().get(0).parts().get(0);
    assertThat(part.getData()).containsEntry("hits", List.of("CIRCUIT BREAKERS"));

    CompletableFuture<Task> streamed = new CompletableFuture<>();
    Client streaming = client(card, true, streamed);
    streaming.sendMessage(A2A.toUserMessage("backpressure"), null);
    Task last = streamed.get(30, TimeUnit.SECONDS);

    Task got = plain.getTask(new TaskQueryParams(last.getId()), null);
    assertThat(got.getStatus().state()).isEqualTo(TaskState.COMPLETED);
    DataPart gotPart = (DataPart) got.getArtifacts().get(0).parts().get(0);
    assertThat(gotPart.getData()).containsEntry("hits", List.of("BACKPRESSURE"));

    assertThatThrownBy(() -> plain.getTask(new TaskQueryParams("no-such-task"), null))
        .hasMessageContaining("not found");
    plain.close();
    streaming.close();
  }
}
