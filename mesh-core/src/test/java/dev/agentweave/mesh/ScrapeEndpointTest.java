package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.node.MeshNode;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The optional plain-HTTP scrape port, {@code observability.metrics.port}. */
class ScrapeEndpointTest {
  record Q(String query) {}

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> send(String method, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheScrapeOnItsPath_andNothingElse() throws Exception {
    int port = freePort();
    MeshNode node =
        MeshNode.builder(
                TestSettings.allowAllAgents(
                    "observability:\n  metrics: {host: 127.0.0.1, port: "
                        + port
                        + ", path: /prom}\n"))
            .agent(Agent.of("client"))
            .agent(
                Agent.of("search")
                    .withCapability(Capability.of("search", Q.class, Q.class, (c, r) -> r)))
            .start();
    try {
      node.agent("client")
          .ref(TestSettings.id("search"))
          .ask("search", new Q("x"), Q.class)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      HttpResponse<String> scrape = send("GET", port, "/prom");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
      assertThat(scrape.body())
          .contains("# TYPE requests_total counter")
          .contains("requests_total{agent=\"search\"} 1.0");

      assertThat(send("GET", port, "/metrics").statusCode()).isEqualTo(404);
      assertThat(send("GET", port, "/metrics").body()).contains("/prom");
      HttpResponse<String> post = send("POST", port, "/prom");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(send("HEAD", port, "/prom").statusCode()).isEqualTo(200);
    } finally {
      node.close();
    }
    // The port closes with the node.
    assertThatThrownBy(() -> send("GET", port, "/prom")).isInstanceOf(ConnectException.class);
  }

  @Test
  void isOffByDefault_andABusyPortStopsTheNodeWithAClearError() throws Exception {
    assertThat(TestSettings.allowAllAgents("").observability().metrics().port()).isZero();
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertThatThrownBy(
              () ->
                  MeshNode.builder(
                          TestSettings.allowAllAgents(
                              "observability:\n  metrics: {host: 127.0.0.1, port: " + port + "}\n"))
                      .agent(Agent.of("client"))
                      .start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("observability.metrics.port")
          .hasMessageContaining("127.0.0.1:" + port);
    }
  }
}
