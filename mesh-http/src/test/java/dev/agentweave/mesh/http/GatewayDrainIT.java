package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A stopping node's gateway drains: the port is released, a request that arrives on an open
 * connection is answered 503 with {@code Connection: close} and {@code Retry-After}, a request
 * whose body was still arriving is answered, calls in flight finish and are answered, idle
 * connections close, and the stop completes once they are done.
 */
class GatewayDrainIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CALLER = "spiffe://test.local/agent/caller";

  @Test
  void stop_drainsConnections_answersEverythingSent_andFinishesCallsInFlight() throws Exception {
    CompletableFuture<String> gate = new CompletableFuture<>();
    Agent worker =
        Agent.of("worker")
            .withCapability(
                Capability.ofAsync(
                    "park", Map.class, String.class, (ctx, p) -> (CompletionStage<String>) gate))
            .withCapability(Capability.of("echo", Map.class, Map.class, (ctx, p) -> p));
    TestMesh mesh =
        TestMesh.builder()
            .node(
                "worker",
                n ->
                    n.agent(worker)
                        .gateway()
                        .yaml(
                            """
                            authorization:
                              allow:
                                - {caller: "%s", callee: "spiffe://test.local/agent/*", actions: ["*"]}
                            server: {graceful_shutdown_seconds: 20}
                            """
                                .formatted(CALLER)))
            .start();
    MeshNode node = mesh.node("worker").node();
    Gateway gateway = mesh.node("worker").component(Gateway.class);
    SSLContext tls = TlsClients.context(mesh.issue("caller"), mesh.root());
    int port = gateway.port();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (RawHttp parked = RawHttp.connect(tls, port);
        RawHttp halfSent = RawHttp.connect(tls, port);
        RawHttp slowHeaders = RawHttp.connect(tls, port);
        RawHttp idle = RawHttp.connect(tls, port)) {
      assertThat(idle.send(get("/whoami")).read().status()).isEqualTo(200);
      // a call in flight
      Future<RawHttp.Response> parkedAnswer =
          pool.submit(() -> parked.send(post("{\"action\":\"park\"}")).read());
      // a request whose headers arrived and whose body has not
      String body = "{\"action\":\"echo\",\"x\":1}";
      halfSent.send(
          "POST /task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n"
              + body.substring(0, 5));
      await().atMost(10, TimeUnit.SECONDS).until(() -> gateway.requestsInFlight() == 2);
      // a request whose first bytes arrived, its headers not yet
      slowHeaders.send("GET /whoami HTTP/1.1\r\n");

      CompletionStage<Void> stopped = node.stop();
      await().atMost(10, TimeUnit.SECONDS).until(() -> node.state() == NodeState.DRAINING);
      // the port is released: new connections are refused
      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () -> {
                            try (Socket s = new Socket()) {
                              s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                            }
                          })
                      .isInstanceOf(IOException.class));
      // a request that arrives on an open connection now: 503, Connection: close, Retry-After
      slowHeaders.send("Host: x\r\n\r\n");
      RawHttp.Response refused = slowHeaders.read();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
      assertThat(refused.header("retry-after")).isNotBlank();
      assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("unavailable");
      assertThat(slowHeaders.closedByServer(5_000)).isTrue();
      // the idle connection is closed
      assertThat(idle.closedByServer(5_000)).isTrue();
      // the half-sent request completes and is answered (the node takes no new calls: 503)
      halfSent.send(body.substring(5));
      RawHttp.Response half = halfSent.read();
      assertThat(half.status()).isIn(200, 503);
      assertThat(half.header("connection")).isEqualToIgnoringCase("close");
      // the call in flight finishes and is answered; only then does the stop complete
      assertThat(stopped.toCompletableFuture().isDone()).isFalse();
      gate.complete("done");
      RawHttp.Response answer = parkedAnswer.get(10, TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("\"done\"");
      assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
      stopped.toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(gateway.connections()).isZero();
    } finally {
      pool.shutdownNow();
      mesh.close();
    }
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  static String post(String body) {
    return "POST /task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }
}
