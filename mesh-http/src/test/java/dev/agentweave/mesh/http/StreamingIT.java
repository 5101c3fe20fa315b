package dev.agentweave.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.internal.WireProtocol;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.TlsClients;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  static Path dir;
  static MeshNode store;
  static MeshNode client;
  static IdentitySource storeIds;
  static IdentitySource clientIds;
  static GatewayClient transport;
  static Gateway gateway;

  static MeshSettings settings(String name, String extra) {
    return MeshSettings.parse(
        name,
        """
        agent: {name: %s, trust_domain: test.local, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        server: {host: 127.0.0.1, port: 0, max_body_bytes: 1024}
        authorization:
          provider: allow-list
          allow:
            - {caller: "spiffe://test.local/agent/client", callee: "spiffe://test.local/agent/store", actions: [invert]}
        %s
        """
            .formatted(name, dir.resolve("ca"), extra),
        Map.of());
  }

  @BeforeAll
  static void start() throws Exception {
    new Random(42).nextBytes(PATTERN);
    dir = Files.createTempDirectory("agentweave-streaming-it");
    MeshSettings storeSettings = settings("store", "");
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
    storeIds = IdentitySources.fromSettings(storeSettings);
    store = MeshNode.builder(storeSettings).agent(agent).identities(storeIds).start();
    gateway = store.component(Gateway.class).orElseThrow();
    MeshSettings clientSettings =
        settings(
            "client",
            """
            transport:
              peers:
                - {spiffe_id: "spiffe://test.local/agent/store", urls: ["%s"]}
            """
                .formatted(gateway.url()));
    clientIds = IdentitySources.fromSettings(clientSettings);
    client =
        MeshNode.builder(clientSettings).agent(Agent.of("client")).identities(clientIds).start();
    transport = client.component(GatewayClient.class).orElseThrow();
  }

  @AfterAll
  static void stop() {
    for (MeshNode n : new MeshNode[] {client, store}) {
      if (n != null) {
        n.close();
      }
    }
    for (IdentitySource s : new IdentitySource[] {clientIds, storeIds}) {
      if (s != null) {
        s.close();
      }
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
    DevCertificateAuthority ca =
        DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("test.local"));
    HttpClient http =
        TlsClients.http11(
            TlsClients.context(
                ca.issue(
                    SpiffeId.parse("spiffe://test.local/agent/client"),
                    Duration.ofMinutes(10),
                    List.of()),
                ca.certificate()));
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
