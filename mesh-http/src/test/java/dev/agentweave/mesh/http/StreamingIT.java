package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.http.internal.WireProtocol;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.mesh.testkit.TlsClients;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A streaming capability across two nodes: 1 GiB goes to the other node and comes back as chunked
 * HTTP over mutual TLS. This class runs in a JVM whose heap (192 MiB, see the module's pom) is far
 * smaller than the payload, so holding the payload anywhere fails it.
 */
class StreamingIT {
  static final int CHUNK = 64 * 1024;
  static final int CHUNKS = 16 * 1024; // 1 GiB in all
  static final byte[] PATTERN = new byte[CHUNK];

  static TestMesh mesh;
  static MeshNode client;
  static GatewayClient transport;
  static Gateway gateway;

  @BeforeAll
  static void start() {
    new Random(42).nextBytes(PATTERN);
    Agent agent =
        Agent.of("store")
            .withCapability(
                Capability.streaming(
                    "invert",
                    (ctx, in) ->
                        in.map(
                            bytes -> {
                              byte[] b = bytes.toArray();
                              for (int i = 0; i < b.length; i++) {
                                b[i] = (byte) ~b[i];
                              }
                              return ByteString.fromArrayUnsafe(b);
                            })))
            .withCapability(Capability.streaming("closed", (ctx, in) -> in));
    mesh =
        TestMesh.builder()
            .yaml(
                """
                server: {max_body_bytes: 1024}
                authorization:
                  allow:
                    - {caller: "spiffe://test.local/agent/client", callee: "spiffe://test.local/agent/store", actions: [invert]}
                """)
            .node("store", n -> n.agent(agent).gateway())
            .node("client", n -> n.peers("store"))
            .start();
    gateway = mesh.node("store").component(Gateway.class);
    client = mesh.node("client").node();
    transport = mesh.node("client").component(GatewayClient.class);
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void oneGibibyte_goesThereAndBack_throughAHeapMuchSmallerThanIt() throws Exception {
    long maxHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    assertThat(maxHeap).as("this test's JVM heap").isLessThan(256L * 1024 * 1024);

    Source<ByteString, NotUsed> payload =
        Source.repeat(ByteString.fromArrayUnsafe(PATTERN)).take(CHUNKS);
    Source<ByteString, ?> answer =
        client
            .agent("client")
            .ref("spiffe://test.local/agent/store")
            .askStream("invert", payload)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    CRC32 crc = new CRC32();
    long received =
        answer
            .runWith(
                Sink.fold(
                    0L,
                    (Long n, ByteString bytes) -> {
                      crc.update(bytes.asByteBuffer());
                      return n + bytes.size();
                    }),
                Materializer.matFromSystem(client.actorSystem()))
            .toCompletableFuture()
            .get(15, TimeUnit.MINUTES);

    assertThat(received).isEqualTo((long) CHUNK * CHUNKS);
    CRC32 expected = new CRC32();
    byte[] inverted = new byte[CHUNK];
    for (int i = 0; i < CHUNK; i++) {
      inverted[i] = (byte) ~PATTERN[i];
    }
    for (int i = 0; i < CHUNKS; i++) {
      expected.update(inverted);
    }
    assertThat(crc.getValue()).isEqualTo(expected.getValue());
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> transport.poolStats().active() == 0);
  }

  @Test
  void aStreamOfADeclaredLengthOverTheBodyLimitIsServed() throws Exception {
    // server.max_body_bytes (1024) limits JSON bodies, not streams: a stream sent with a
    // Content-Length (not chunked) of four times the limit is served in full.
    HttpClient http = TlsClients.http11(TlsClients.context(mesh.issue("client"), mesh.root()));
    byte[] body = new byte[4096];
    new Random(7).nextBytes(body);
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(gateway.url().resolve(WireProtocol.CALL_PATH))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream")
                .header(WireProtocol.TARGET_HEADER, "spiffe://test.local/agent/store")
                .header(WireProtocol.ACTION_HEADER, "invert")
                .header(WireProtocol.TIMEOUT_HEADER, "20000")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(body.length);
    for (int i = 0; i < body.length; i++) {
      assertThat(r.body()[i]).isEqualTo((byte) ~body[i]);
    }
  }

  @Test
  void aStreamingCallIsAuthorizedLikeAnyOther() {
    Throwable t =
        Failures.of(
            client
                .agent("client")
                .ref("spiffe://test.local/agent/store")
                .askStream("closed", Source.single(ByteString.fromString("x")))
                .toCompletableFuture());
    assertThat(t).isInstanceOf(PermissionDeniedException.class);
  }
}
