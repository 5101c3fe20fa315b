package dev.agentweave.mesh.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The at-most-once gap of Cluster Sharding closed by {@link KeyedCalls} and {@link KeyedEntity}:
 * calls lost on the way are sent again and run once, repeats of a call the entity has are not run
 * again, and a non-idempotent call whose entity was lost mid-run fails instead of running twice.
 * The "network" between them is a forwarding actor that drops or redirects requests as each test
 * says.
 */
class KeyedCallsTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/agent/counter");
  static final SpiffeId CALLER = SpiffeId.parse("spiffe://example.org/agent/caller");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** A keyed agent whose state counts the calls of its key; each run is recorded. */
  static final class Counter implements KeyedAgentHost {
    final List<String> runs = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<byte[]> hold;

    @Override
    public SpiffeId spiffeId() {
      return AGENT;
    }

    @Override
    public Optional<Duration> passivation() {
      return Optional.empty();
    }

    @Override
    public Object newState(String key) {
      return new AtomicInteger();
    }

    @Override
    public CompletionStage<byte[]> handle(Object state, EntityCall call) {
      runs.add(new String(call.request(), StandardCharsets.UTF_8));
      int n = ((AtomicInteger) state).incrementAndGet();
      byte[] answer = String.valueOf(n).getBytes(StandardCharsets.UTF_8);
      CompletableFuture<byte[]> h = hold;
      return h == null ? CompletableFuture.completedFuture(answer) : h.thenApply(x -> answer);
    }
  }

  /** Requests as the network saw them, and the decision for each. */
  static final class Network {
    final List<EntityMessage.Request> seen = new CopyOnWriteArrayList<>();
    volatile Predicate<EntityMessage.Request> drop = r -> false;
    volatile ActorRef<KeyedEntity.Command> to;

    Behavior<KeyedEntity.Command> behavior() {
      return Behaviors.receiveMessage(
          m -> {
            EntityMessage.Request r = (EntityMessage.Request) m;
            seen.add(r);
            if (!drop.test(r)) {
              to.tell(r);
            }
            return Behaviors.same();
          });
    }
  }

  static ActorRef<KeyedEntity.Command> entity(Counter host) {
    return KIT.spawn(
        KeyedEntity.create(host, "k", 10, Duration.ofSeconds(30), new AtomicInteger()));
  }

  static CompletableFuture<byte[]> call(
      ActorRef<KeyedCalls.Command> calls,
      ActorRef<KeyedEntity.Command> net,
      String body,
      Duration timeout,
      boolean idempotent) {
    EntityCall call =
        new EntityCall(
            AGENT,
            "k",
            CALLER,
            "count",
            body.getBytes(StandardCharsets.UTF_8),
            timeout,
            "req-" + body,
            idempotent);
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    calls.tell(new KeyedCalls.Send(net, call, out));
    return out;
  }

  static String answer(CompletableFuture<byte[]> f) throws Exception {
    return new String(f.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  @Test
  void aCallDroppedOnTheWayIsSentAgainAndRunsOnce() throws Exception {
    List<String> resends = new CopyOnWriteArrayList<>();
    Counter host = new Counter();
    Network network = new Network();
    network.to = entity(host);
    AtomicInteger dropped = new AtomicInteger();
    network.drop = r -> dropped.getAndIncrement() == 0;
    ActorRef<KeyedCalls.Command> calls =
        KIT.spawn(
            KeyedCalls.create(
                Duration.ofMillis(200), (agent, reason) -> resends.add(agent + " " + reason)));
    ActorRef<KeyedEntity.Command> net = KIT.spawn(network.behavior());

    assertThat(answer(call(calls, net, "a", Duration.ofSeconds(10), false))).isEqualTo("1");
    assertThat(network.seen).hasSizeGreaterThanOrEqualTo(2);
    assertThat(network.seen.get(0).callId()).isEqualTo(network.seen.get(1).callId());
    assertThat(host.runs).containsExactly("a");
    // Counted for keyed.resends (more than once only if an answer took longer than 200 ms).
    assertThat(resends).isNotEmpty().allMatch(r -> r.equals(AGENT + " no_answer"));
    assertThat(answer(call(calls, net, "b", Duration.ofSeconds(10), false))).isEqualTo("2");
    assertThat(host.runs).containsExactly("a", "b");
  }

  @Test
  void repeatsOfARunningCallAreConfirmedAndNotRunAgain() throws Exception {
    Counter host = new Counter();
    host.hold = new CompletableFuture<>();
    Network network = new Network();
    network.to = entity(host);
    ActorRef<KeyedCalls.Command> calls =
        KIT.spawn(KeyedCalls.create(Duration.ofMillis(100), (agent, reason) -> {}));
    ActorRef<KeyedEntity.Command> net = KIT.spawn(network.behavior());

    CompletableFuture<byte[]> f = call(calls, net, "slow", Duration.ofSeconds(10), false);
    // Repeats arrive while the handler runs; once confirmed, they may no longer run the call.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> network.seen.stream().anyMatch(r -> !r.runIfUnknown()));
    assertThat(f).isNotDone();
    host.hold.complete(new byte[0]);
    assertThat(answer(f)).isEqualTo("1");
    assertThat(host.runs).containsExactly("slow");
  }

  @Test
  void aConfirmedCallWhoseEntityIsLostFails_unlessItIsIdempotent() throws Exception {
    Counter first = new Counter();
    first.hold = new CompletableFuture<>(); // never completes: the entity's node is "lost"
    Counter second = new Counter();
    Network network = new Network();
    network.to = entity(first);
    ActorRef<KeyedCalls.Command> calls =
        KIT.spawn(KeyedCalls.create(Duration.ofMillis(100), (agent, reason) -> {}));
    ActorRef<KeyedEntity.Command> net = KIT.spawn(network.behavior());
    ActorRef<KeyedEntity.Command> replacement = entity(second);

    // Not idempotent: after the entity confirmed the call, the key's new entity must not run it.
    network.drop =
        r -> {
          if (!r.runIfUnknown()) {
            network.to = replacement;
          }
          return false;
        };
    CompletableFuture<byte[]> f = call(calls, net, "once", Duration.ofSeconds(10), false);
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("for key 'k'")
        .hasMessageContaining("may have run")
        .hasMessageContaining("not idempotent");
    assertThat(first.runs).containsExactly("once");
    assertThat(second.runs).isEmpty();

    // Idempotent: the repeat runs on the new entity, and the caller gets its answer.
    Counter third = new Counter();
    third.hold = new CompletableFuture<>();
    network.to = entity(third);
    ActorRef<KeyedEntity.Command> fourth = entity(second);
    AtomicInteger repeats = new AtomicInteger();
    network.drop =
        r -> {
          if (r.call().idempotent() && repeats.incrementAndGet() == 3) {
            network.to = fourth;
          }
          return false;
        };
    CompletableFuture<byte[]> g = call(calls, net, "again", Duration.ofSeconds(10), true);
    assertThat(answer(g)).isEqualTo("1");
    assertThat(third.runs).containsExactly("again");
    assertThat(second.runs).containsExactly("again");
  }

  @Test
  void aCallNoEntityEverGetsFailsAtItsDeadline_namingTheKey() {
    Network network = new Network();
    network.to = entity(new Counter());
    network.drop = r -> true;
    ActorRef<KeyedCalls.Command> calls =
        KIT.spawn(KeyedCalls.create(Duration.ofMillis(100), (agent, reason) -> {}));
    ActorRef<KeyedEntity.Command> net = KIT.spawn(network.behavior());

    CompletableFuture<byte[]> f = call(calls, net, "lost", Duration.ofMillis(800), false);
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("for key 'k'")
        .hasMessageContaining("no entity confirmed it");
    assertThat(network.seen).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void entityMessagesSurviveTheSerializer() throws Exception {
    EntitySerializer serializer =
        new EntitySerializer(
            (org.apache.pekko.actor.ExtendedActorSystem)
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(KIT.system()));
    ActorRef<KeyedCalls.Command> calls =
        KIT.spawn(KeyedCalls.create(Duration.ofSeconds(1), (agent, reason) -> {}));
    EntityCall call =
        new EntityCall(
            AGENT,
            "k-1",
            CALLER,
            "count",
            "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
            Duration.ofMillis(1234),
            "req-9",
            true);
    EntityMessage.Request request = new EntityMessage.Request(call, "id-1", false, calls);
    EntityMessage.Request back =
        (EntityMessage.Request)
            serializer.fromBinary(serializer.toBinary(request), serializer.manifest(request));
    assertThat(back.callId()).isEqualTo("id-1");
    assertThat(back.runIfUnknown()).isFalse();
    assertThat(back.replyTo()).isEqualTo(calls);
    assertThat(back.call().idempotent()).isTrue();
    assertThat(back.call().timeout()).isEqualTo(Duration.ofMillis(1234));
    assertThat(back.call().request()).isEqualTo(call.request());
    assertThat(back.call().caller()).isEqualTo(CALLER);

    EntityMessage.Reply failed =
        new EntityMessage.Reply(
            "id-1", EntityMessage.Outcome.NOT_RUN, null, "unavailable", "stopped", 0);
    EntityMessage.Reply failedBack =
        (EntityMessage.Reply)
            serializer.fromBinary(serializer.toBinary(failed), serializer.manifest(failed));
    assertThat(failedBack.outcome()).isEqualTo(EntityMessage.Outcome.NOT_RUN);
    assertThat(failedBack.errorCode()).isEqualTo("unavailable");
    assertThat(failedBack.message()).isEqualTo("stopped");
    assertThat(failedBack.body()).isNull();

    EntityMessage.Reply ok = EntityMessage.Reply.ok("id-2", new byte[] {1, 2, 3});
    EntityMessage.Reply okBack =
        (EntityMessage.Reply)
            serializer.fromBinary(serializer.toBinary(ok), serializer.manifest(ok));
    assertThat(okBack.outcome()).isEqualTo(EntityMessage.Outcome.OK);
    assertThat(okBack.body()).containsExactly(1, 2, 3);
    assertThat(okBack.errorCode()).isNull();

    assertThatThrownBy(() -> serializer.fromBinary(new byte[] {0, 1, 'x', 9}, "R"))
        .isInstanceOf(java.io.NotSerializableException.class)
        .hasMessageContaining("entity message (R)");
  }
}
