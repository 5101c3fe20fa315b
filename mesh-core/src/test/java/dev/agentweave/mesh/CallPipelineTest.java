package dev.agentweave.mesh;

import static dev.agentweave.mesh.TestSettings.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AgentDirectory;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.CallInfo;
import dev.agentweave.mesh.spi.CallInterceptor;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.NodeExtension;
import dev.agentweave.mesh.spi.RemoteRoute;
import dev.agentweave.mesh.spi.RemoteTransport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The call pipeline through the public API: every entrance is seen once by the interceptors with
 * its outcome, and a remote target is resolved once, before outbound authorization, and handed to
 * the transport as a route.
 */
class CallPipelineTest {
  record Msg(String text) {}

  private MeshNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static <T> T result(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("stage succeeded");
  }

  /** Records every call it sees and the outcome of each. */
  static final class Recorder implements CallInterceptor {
    final List<String> entered = Collections.synchronizedList(new ArrayList<>());
    final List<String> completed = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Observer onCall(CallInfo call) {
      entered.add(call.origin() + " " + call.caller().agentName() + "->" + call.action());
      return (c, failure) ->
          completed.add(
              c.origin()
                  + " "
                  + c.action()
                  + " "
                  + (failure == null ? "ok" : ((MeshException) failure).code().wireName()));
    }
  }

  private static Agent relay() {
    return Agent.of("relay")
        .withCapability(
            Capability.ofAsync(
                "relay",
                Msg.class,
                Msg.class,
                (ctx, req) -> ctx.ref(id("echo")).ask("echo", req, Msg.class)));
  }

  private static Agent echo() {
    return Agent.of("echo")
        .withCapability(Capability.of("echo", Msg.class, Msg.class, (ctx, req) -> req))
        .withCapability(
            Capability.of(
                "refuse",
                Msg.class,
                Msg.class,
                (ctx, req) -> {
                  throw new CapabilityException("no " + req.text());
                }));
  }

  @Test
  void interceptors_seeEveryEntranceOnce_withItsOutcome() throws Exception {
    Recorder recorder = new Recorder();
    Capture capture = new Capture();
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .agent(relay())
            .agent(echo())
            .interceptor(recorder)
            .extension(capture)
            .start();
    AgentRef relayRef = node.agent("client").ref(id("relay"));
    assertThat(result(relayRef.ask("relay", new Msg("a"), Msg.class)).text()).isEqualTo("a");
    await().until(() -> recorder.completed.size() == 2);
    assertThat(recorder.entered).containsExactly("REF client->relay", "HANDLER relay->echo");
    assertThat(recorder.completed).containsExactlyInAnyOrder("HANDLER echo ok", "REF relay ok");

    recorder.entered.clear();
    recorder.completed.clear();
    byte[] answer =
        result(
            capture
                .node
                .inbound()
                .call(
                    id("client"),
                    id("echo"),
                    "echo",
                    new Msg("b"),
                    Duration.ofSeconds(5),
                    "req-1"));
    // the inbound entrance answers in the node's JSON, as the transport sends it
    assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"b\"}");
    // an interceptor hears of the outcome after the caller has it: wait for each before the next
    await().until(() -> recorder.completed.size() == 1);
    assertThat(failure(node.agent("client").ref(id("echo")).ask("refuse", new Msg("c"), Msg.class)))
        .isInstanceOf(HandlerRejectedException.class);
    await().until(() -> recorder.completed.size() == 2);
    result(node.agent("client").ref(id("echo")).tell("echo", new Msg("d")));
    await().until(() -> recorder.completed.size() == 3);
    assertThat(recorder.entered)
        .containsExactly("INBOUND client->echo", "REF client->refuse", "REF client->echo");
    assertThat(recorder.completed)
        .containsExactly("INBOUND echo ok", "REF refuse rejected", "REF echo ok");
  }

  @Test
  void aThrowingInterceptor_isSkipped_andTheCallGoesOn() throws Exception {
    Recorder recorder = new Recorder();
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .agent(echo())
            .interceptor(
                call -> {
                  throw new IllegalStateException("broken interceptor");
                })
            .interceptor(recorder)
            .start();
    assertThat(
            result(node.agent("client").ref(id("echo")).ask("echo", new Msg("x"), Msg.class))
                .text())
        .isEqualTo("x");
    await().until(() -> recorder.completed.size() == 1);
    assertThat(recorder.completed).containsExactly("REF echo ok");
  }

  /** Counts lookups; knows one agent. */
  static final class CountingDirectory implements AgentDirectory {
    final AtomicInteger lookups = new AtomicInteger();
    final URI gateway = URI.create("https://node-b.test:8443");

    @Override
    public List<URI> gateways(SpiffeId agent) {
      lookups.incrementAndGet();
      return agent.equals(id("far")) ? List.of(gateway) : List.of();
    }
  }

  /** Allows everything; notes how many directory lookups had happened at each outbound check. */
  static final class OrderAuthorizer implements Authorizer {
    final CountingDirectory directory;
    final List<Integer> lookupsAtOutbound = Collections.synchronizedList(new ArrayList<>());

    OrderAuthorizer(CountingDirectory directory) {
      this.directory = directory;
    }

    @Override
    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
      if (request.direction() == Direction.OUTBOUND) {
        lookupsAtOutbound.add(directory.lookups.get());
      }
      return CompletableFuture.completedFuture(AuthzDecision.allow("test", "1"));
    }

    @Override
    public String name() {
      return "order";
    }
  }

  /**
   * A transport that answers every call itself (the real one is mesh-http's pooled client, tested
   * there): it records the routes it was handed.
   */
  static final class RecordingTransport implements RemoteTransport {
    final List<RemoteRoute> routes = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CompletionStage<byte[]> ask(
        RemoteRoute route,
        SpiffeId caller,
        String action,
        byte[] request,
        Duration timeout,
        String requestId) {
      routes.add(route);
      return CompletableFuture.completedFuture(
          "{\"text\":\"remote\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<Void> tell(
        RemoteRoute route,
        SpiffeId caller,
        String action,
        byte[] request,
        Duration timeout,
        String requestId) {
      routes.add(route);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Keeps the node context, as a transport module would, to call the inbound entrance. */
  static final class Capture implements NodeExtension {
    volatile NodeContext node;

    @Override
    public String name() {
      return "capture";
    }

    @Override
    public void started(NodeContext value) {
      node = value;
    }
  }

  /**
   * An extension that installs the directory and the transport, as mesh-cluster and mesh-http do.
   */
  private static NodeExtension wiring(AgentDirectory directory, RemoteTransport transport) {
    return new NodeExtension() {
      @Override
      public String name() {
        return "test-wiring";
      }

      @Override
      public void started(NodeContext node) {
        node.useAgentDirectory(directory);
        node.useRemoteTransport(transport);
      }
    };
  }

  @Test
  void aRemoteTarget_isResolvedOnce_beforeOutboundAuthorization() throws Exception {
    CountingDirectory directory = new CountingDirectory();
    OrderAuthorizer authorizer = new OrderAuthorizer(directory);
    RecordingTransport transport = new RecordingTransport();
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .authorizer(authorizer)
            .extension(wiring(directory, transport))
            .start();

    Msg answer = result(node.agent("client").ref(id("far")).ask("echo", new Msg("q"), Msg.class));

    assertThat(answer.text()).isEqualTo("remote");
    assertThat(directory.lookups).hasValue(1);
    assertThat(authorizer.lookupsAtOutbound).containsExactly(1);
    assertThat(transport.routes).hasSize(1);
    assertThat(transport.routes.get(0).target()).isEqualTo(id("far"));
    assertThat(transport.routes.get(0).gateways()).containsExactly(directory.gateway);
  }

  @Test
  void staticPeers_comeBeforeTheDirectory_andUnknownAgentsAreNotFoundAfterAuthorization()
      throws Exception {
    CountingDirectory directory = new CountingDirectory();
    RecordingTransport transport = new RecordingTransport();
    node =
        MeshNode.builder(
                TestSettings.allowAllAgents(
                    """
                    transport:
                      peers:
                        - {spiffe_id: "spiffe://test.local/agent/far", urls: ["https://static.test:9443"]}
                    """))
            .agent(Agent.of("client"))
            .extension(wiring(directory, transport))
            .start();

    result(node.agent("client").ref(id("far")).ask("echo", new Msg("q"), Msg.class));
    assertThat(transport.routes.get(0).gateways())
        .containsExactly(URI.create("https://static.test:9443"));
    assertThat(directory.lookups).hasValue(0);

    assertThat(
            failure(node.agent("client").ref(id("nowhere")).ask("echo", new Msg("q"), Msg.class)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("agent spiffe://test.local/agent/nowhere is not hosted on this node")
        .hasMessageContaining("transport.peers");
    assertThat(directory.lookups).hasValue(1);
  }
}
