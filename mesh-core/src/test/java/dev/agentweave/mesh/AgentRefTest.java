package dev.agentweave.mesh;

import static dev.agentweave.mesh.TestSettings.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.node.MeshNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentRefTest {
  record Echo(String text) {}

  record Reply(String text, String caller) {}

  record Num(int n) {}

  private MeshNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static <T> T result(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new CompletionException(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("stage did not fail in time", e);
    }
    throw new AssertionError("stage succeeded");
  }

  private static Agent echoAgent() {
    return Agent.of("echo")
        .withCapability(
            Capability.of(
                "echo",
                Echo.class,
                Reply.class,
                (ctx, req) -> new Reply(req.text(), ctx.caller().toString())));
  }

  private MeshNode start(Agent... agents) {
    MeshNode.Builder b =
        MeshNode.builder(TestSettings.allowAllAgents("")).agent(Agent.of("client"));
    for (Agent a : agents) {
      b.agent(a);
    }
    node = b.start();
    return node;
  }

  @Test
  void ask_returnsTypedResponse_andCallerIsTheCallingAgent() {
    start(echoAgent());
    Reply r = result(node.agent("client").ref(id("echo")).ask("echo", new Echo("hi"), Reply.class));
    assertThat(r).isEqualTo(new Reply("hi", "spiffe://test.local/agent/client"));
  }

  @Test
  void ask_mapsMapPayloadsAndResponsesWithJackson() {
    start(echoAgent());
    AgentRef ref = node.agent("client").ref("spiffe://test.local/agent/echo");
    @SuppressWarnings("unchecked")
    Map<String, Object> r = result(ref.ask("echo", Map.of("text", "x"), Map.class));
    assertThat(r).containsEntry("text", "x");
  }

  @Test
  void ask_failsWithInvalidRequest_whenPayloadDoesNotMap() {
    AtomicInteger calls = new AtomicInteger();
    start(
        Agent.of("echo")
            .withCapability(
                Capability.of(
                    "echo",
                    Echo.class,
                    Reply.class,
                    (c, r) -> {
                      calls.incrementAndGet();
                      return new Reply(r.text(), "");
                    })));
    Throwable t =
        failure(node.agent("client").ref(id("echo")).ask("echo", Map.of("txt", "x"), Reply.class));
    assertThat(t)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("field 'txt': not a field of this request (expected: one of text)")
        .hasMessageNotContaining("Echo"); // a Java type name is not for callers
    assertThat(calls).hasValue(0);
  }

  @Test
  void ask_failsWithNotFound_namingTheAgent() {
    start(echoAgent());
    Throwable t =
        failure(node.agent("client").ref(id("nobody")).ask("echo", new Echo("x"), Reply.class));
    assertThat(t)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("spiffe://test.local/agent/nobody");
  }

  @Test
  void ask_failsWithNotFound_namingTheCapability() {
    start(echoAgent());
    Throwable t =
        failure(node.agent("client").ref(id("echo")).ask("shout", new Echo("x"), Reply.class));
    assertThat(t)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'shout'")
        .hasMessageContaining("it has: echo");
  }

  @Test
  void ask_failsWithDeadlineExceeded_whenHandlerIsSlowerThanTimeout() {
    CompletableFuture<Reply> never = new CompletableFuture<>();
    start(
        Agent.of("slow")
            .withCapability(Capability.ofAsync("wait", Echo.class, Reply.class, (c, r) -> never)));
    long t0 = System.nanoTime();
    Throwable t =
        failure(
            node.agent("client")
                .ref(id("slow"))
                .ask("wait", new Echo("x"), Reply.class, Duration.ofMillis(200)));
    assertThat(t).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("PT0.2S");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(190));
    never.complete(new Reply("late", ""));
  }

  @Test
  void ask_failsWithDeadlineExceeded_whenCapabilityTimeoutIsShorter() {
    CompletableFuture<Reply> never = new CompletableFuture<>();
    start(
        Agent.of("slow")
            .withCapability(
                Capability.ofAsync("wait", Echo.class, Reply.class, (c, r) -> never)
                    .withTimeout(Duration.ofMillis(150))));
    Throwable t =
        failure(
            node.agent("client")
                .ref(id("slow"))
                .ask("wait", new Echo("x"), Reply.class, Duration.ofSeconds(30)));
    assertThat(t)
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("its timeout PT0.15S");
    never.complete(null);
  }

  @Test
  void handlerContext_onwardCallsInheritTheRemainingDeadline() {
    CompletableFuture<Reply> never = new CompletableFuture<>();
    AtomicReference<Duration> seenRemaining = new AtomicReference<>();
    Agent slow =
        Agent.of("slow")
            .withCapability(
                Capability.ofAsync(
                    "wait",
                    Echo.class,
                    Reply.class,
                    (c, r) -> {
                      seenRemaining.set(c.remaining());
                      return never;
                    }));
    Agent front =
        Agent.of("front")
            .withCapability(
                Capability.ofAsync(
                    "relay",
                    Echo.class,
                    Reply.class,
                    (ctx, req) ->
                        ctx.ref(id("slow")).ask("wait", req, Reply.class, Duration.ofSeconds(60))));
    start(slow, front);
    Throwable t =
        failure(
            node.agent("client")
                .ref(id("front"))
                .ask("relay", new Echo("x"), Reply.class, Duration.ofMillis(400)));
    assertThat(t).isInstanceOf(DeadlineExceededException.class);
    assertThat(seenRemaining.get()).isLessThanOrEqualTo(Duration.ofMillis(400)).isPositive();
    never.complete(null);
  }

  @Test
  void handlerContext_givesCallerRequestIdDeadlineAndLogger() {
    AtomicReference<CallContext> seen = new AtomicReference<>();
    start(
        Agent.of("probe")
            .withCapability(
                Capability.of(
                    "probe",
                    Echo.class,
                    Echo.class,
                    (ctx, req) -> {
                      seen.set(ctx);
                      return req;
                    })));
    result(node.agent("client").ref(id("probe")).ask("probe", new Echo("x"), Echo.class));
    CallContext ctx = seen.get();
    assertThat(ctx.caller()).isEqualTo(id("client"));
    assertThat(ctx.self()).isEqualTo(id("probe"));
    assertThat(ctx.action()).isEqualTo("probe");
    assertThat(ctx.requestId()).matches("[0-9a-f]{16}");
    assertThat(ctx.deadline()).isAfter(java.time.Instant.now().minusSeconds(1));
    assertThat(ctx.logger().getName()).isEqualTo("agentweave.agent.probe.probe");
  }

  @Test
  void callerIdentity_comesFromTheContextNotThePayload() {
    Agent front =
        Agent.of("front")
            .withCapability(
                Capability.ofAsync(
                    "relay",
                    Map.class,
                    Reply.class,
                    (ctx, req) -> ctx.ref(id("echo")).ask("echo", new Echo("spoof"), Reply.class)));
    start(echoAgent(), front);
    Reply r =
        result(
            node.agent("client")
                .ref(id("front"))
                .ask("relay", Map.of("caller", "spiffe://test.local/agent/admin"), Reply.class));
    assertThat(r.caller()).isEqualTo("spiffe://test.local/agent/front");
  }

  @Test
  void askAll_returnsOneOutcomePerCallInOrder_withPartialFailure() {
    start(
        Agent.of("math")
            .withCapability(
                Capability.of(
                    "half",
                    Num.class,
                    Num.class,
                    (c, r) -> {
                      if (r.n() % 2 != 0) {
                        throw new CapabilityException(r.n() + " is odd");
                      }
                      return new Num(r.n() / 2);
                    })));
    List<Outcome<Num>> out =
        result(
            node.agent("client")
                .ref(id("math"))
                .askAll("half", List.of(new Num(4), new Num(3), new Num(10)), Num.class));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).value()).isEqualTo(new Num(2));
    assertThat(out.get(1).isSuccess()).isFalse();
    assertThat(out.get(1).error())
        .isInstanceOf(HandlerRejectedException.class)
        .hasMessage("3 is odd");
    assertThat(out.get(2).value()).isEqualTo(new Num(5));
  }

  @Test
  void outcomeAll_gathersCallsToDifferentAgents() {
    start(echoAgent());
    AgentHandle client = node.agent("client");
    List<Outcome<Object>> out =
        result(
            Outcome.all(
                List.of(
                    client.ref(id("echo")).ask("echo", new Echo("a"), Reply.class),
                    client.ref(id("missing")).ask("echo", new Echo("b"), Reply.class))));
    assertThat(out.get(0).value()).isEqualTo(new Reply("a", "spiffe://test.local/agent/client"));
    assertThat(out.get(1).error()).isInstanceOf(NotFoundException.class);
  }

  @Test
  void concurrencyLimit_queuesUpToTheBound_thenFailsWithOverloaded() {
    List<CompletableFuture<Num>> gates = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    start(
        Agent.of("gated")
            .withCapability(
                Capability.ofAsync(
                    "hold",
                    Num.class,
                    Num.class,
                    (c, r) -> {
                      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                      CompletableFuture<Num> gate = new CompletableFuture<>();
                      synchronized (gates) {
                        gates.add(gate);
                      }
                      return gate.whenComplete((v, e) -> running.decrementAndGet());
                    })));
    AgentRef limited = node.agent("client").ref(id("gated")).withConcurrencyLimit(2, 3);
    List<CompletionStage<Num>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(limited.ask("hold", new Num(i), Num.class));
    }
    Throwable sixth = failure(limited.ask("hold", new Num(5), Num.class));
    assertThat(sixth)
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("2 calls in flight and 3 waiting");
    assertThat(((OverloadedException) sixth).retryAfter()).isPositive();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              synchronized (gates) {
                return gates.size() == 2;
              }
            });
    for (int released = 0; released < 5; released++) {
      int target = Math.min(5, released + 2);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                synchronized (gates) {
                  return gates.size() >= target;
                }
              });
      CompletableFuture<Num> g;
      synchronized (gates) {
        g = gates.get(released);
      }
      g.complete(new Num(released));
    }
    for (CompletionStage<Num> c : calls) {
      assertThat(result(c)).isNotNull();
    }
    assertThat(maxRunning.get()).isEqualTo(2);
  }

  @Test
  void mailboxFull_failsWithOverloaded_andNothingAcceptedIsLost() {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    start(
        Agent.of("narrow")
            .withCapability(
                Capability.ofAsync(
                        "hold",
                        Num.class,
                        Num.class,
                        (c, r) ->
                            CompletableFuture.supplyAsync(
                                () -> {
                                  try {
                                    release.await(20, TimeUnit.SECONDS);
                                  } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                  }
                                  handled.incrementAndGet();
                                  return r;
                                }))
                    .withMaxInFlight(1)
                    .withMailboxCapacity(2)));
    AgentRef ref = node.agent("client").ref(id("narrow"));
    CompletionStage<Num> first = ref.ask("hold", new Num(1), Num.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                node.callsInFlight() == 1
                    && ((dev.agentweave.mesh.internal.AgentRuntime) node.agent("narrow"))
                            .capabilities()
                            .get("hold")
                            .waiting()
                        == 0);
    CompletionStage<Num> second = ref.ask("hold", new Num(2), Num.class);
    CompletionStage<Num> third = ref.ask("hold", new Num(3), Num.class);
    Throwable fourth = failure(ref.ask("hold", new Num(4), Num.class));
    assertThat(fourth)
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("mailbox of 'hold'")
        .hasMessageContaining("(2 waiting)");
    release.countDown();
    assertThat(List.of(result(first), result(second), result(third)))
        .containsExactly(new Num(1), new Num(2), new Num(3));
    assertThat(handled).hasValue(3);
  }

  @Test
  void handlerThatThrows_failsTheCallWithInternalError_andTheAgentKeepsServing() {
    AtomicInteger calls = new AtomicInteger();
    start(
        Agent.of("flaky")
            .withCapability(
                Capability.of(
                    "go",
                    Num.class,
                    Num.class,
                    (c, r) -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("secret internal detail");
                      }
                      return r;
                    })));
    AgentRef ref = node.agent("client").ref(id("flaky"));
    Throwable t = failure(ref.ask("go", new Num(1), Num.class));
    assertThat(t).isInstanceOf(InternalErrorException.class).hasMessageNotContaining("secret");
    assertThat(result(ref.ask("go", new Num(2), Num.class))).isEqualTo(new Num(2));
  }

  @Test
  void asyncHandlerFailure_withCapabilityException_isRejectedWithItsMessage() {
    start(
        Agent.of("picky")
            .withCapability(
                Capability.ofAsync(
                    "go",
                    Num.class,
                    Num.class,
                    (c, r) ->
                        CompletableFuture.failedFuture(
                            new CapabilityException("no document 42")))));
    assertThat(failure(node.agent("client").ref(id("picky")).ask("go", new Num(1), Num.class)))
        .isInstanceOf(HandlerRejectedException.class)
        .hasMessage("no document 42");
  }

  @Test
  void blockingCapability_doesNotStarveOtherCapabilities() {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger blocked = new AtomicInteger();
    MeshSettings2.start(this, release, blocked);
    AgentRef ref = node.agent("client").ref(id("worker"));
    List<CompletionStage<Num>> slow = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      slow.add(ref.ask("block", new Num(i), Num.class));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == 4);
    // Every blocking thread is busy; the non-blocking capabilities still answer at once.
    for (int i = 0; i < 50; i++) {
      assertThat(result(ref.ask("quick", new Num(i), Num.class))).isEqualTo(new Num(i));
    }
    release.countDown();
    for (CompletionStage<Num> s : slow) {
      assertThat(result(s)).isNotNull();
    }
  }

  /** Starts the node for the blocking test: 4 blocking threads, 4 handlers in flight. */
  static final class MeshSettings2 {
    static void start(AgentRefTest test, CountDownLatch release, AtomicInteger blocked) {
      Agent worker =
          Agent.of("worker")
              .withCapability(
                  Capability.of(
                          "block",
                          Num.class,
                          Num.class,
                          (c, r) -> {
                            blocked.incrementAndGet();
                            release.await(20, TimeUnit.SECONDS);
                            return r;
                          })
                      .withBlocking(true)
                      .withMaxInFlight(8))
              .withCapability(Capability.of("quick", Num.class, Num.class, (c, r) -> r));
      test.node =
          MeshNode.builder(TestSettings.allowAllAgents("  blocking_pool_size: 4\n"))
              .agent(Agent.of("client"))
              .agent(worker)
              .start();
    }
  }

  @Test
  void tell_completesOnAcceptance_andTheHandlerRuns() {
    CountDownLatch ran = new CountDownLatch(1);
    start(
        Agent.of("sink")
            .withCapability(
                Capability.of(
                    "take",
                    Num.class,
                    Num.class,
                    (c, r) -> {
                      ran.countDown();
                      return r;
                    })));
    result(node.agent("client").ref(id("sink")).tell("take", new Num(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.getCount() == 0);
    assertThat(failure(node.agent("client").ref(id("sink")).tell("nope", new Num(1))))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void refs_rejectInvalidArguments() {
    start(echoAgent());
    AgentHandle client = node.agent("client");
    assertThatThrownBy(() -> client.ref("not-an-id")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.ref(id("echo")).withTimeout(Duration.ZERO))
        .hasMessageContaining("expected: > 0");
    assertThatThrownBy(() -> client.ref(id("echo")).withConcurrencyLimit(0, 1))
        .hasMessageContaining("maxInFlight: 0");
    assertThatThrownBy(() -> node.agent("ghost")).hasMessageContaining("hosted: client, echo");
  }
}
