package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterAgentDirectory;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.NodeSpec;
import dev.agentweave.mesh.testkit.Ports;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.samples.ConversationAgent;
import dev.agentweave.samples.ConversationAgent.Conversation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keyed agents and the authorization singleton across separate JVMs: {@code agentweave node}
 * processes host the keyed sample agent {@code conversations}; this JVM joins as a member that
 * hosts nothing the processes do, so its calls enter through their gateways and reach entities
 * through Cluster Sharding, and its own Cedar policy permits nothing, so every decision it gets is
 * the authorization singleton's (which runs on the oldest process).
 */
class KeyedAgentsProcessesIT {
  static final SpiffeId CONVERSATIONS = SpiffeId.parse("spiffe://example.org/agent/conversations");
  static final SpiffeId SEARCH = SpiffeId.parse("spiffe://example.org/agent/search");

  TestMesh mesh;

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.keepLogs(getClass());
      mesh.close(); // SIGKILL to the processes this test started, if they still run
    }
  }

  /** A process of the cluster hosting the keyed sample agent, with its gateway. */
  static void conversationsNode(NodeSpec n) {
    n.agentName("conversations").hosts("conversations").gateway();
  }

  static Conversation append(AgentRef ref, String key, String text) throws Exception {
    return ref.ask("append", new ConversationAgent.Append(key, "user", text), Conversation.class)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  static Conversation history(AgentRef ref, String key) throws Exception {
    return ref.ask("history", new ConversationAgent.HistoryRequest(key, 1), Conversation.class)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void oneEntityPerKey_entitiesMoveToAJoiningNode_andTheSingletonHandsOverWhenItsNodeDies()
      throws Exception {
    // The processes decide with the sample node's Cedar policies; the observer's own permit
    // nothing. The members join one after another (p1, p2, the observer), so that the
    // singleton's next home after p1 is p2: the observer joins once p2's Pekko Management says
    // that p2 is ready, which includes being Up in the cluster.
    int p2Management = Ports.freeLoopbackPort();
    mesh =
        TestMesh.builder()
            .trustDomain("example.org")
            .cedar(Files.readString(Path.of("..", "config", "policy.cedar")))
            .cluster()
            .timeout(Duration.ofSeconds(180))
            .process("p1", KeyedAgentsProcessesIT::conversationsNode)
            .start();
    mesh.process("p1").awaitReady(Duration.ofSeconds(120));
    mesh.addProcess(
        "p2",
        n -> {
          conversationsNode(n);
          n.yaml("cluster: {management: {enabled: true, port: " + p2Management + "}}");
        });
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .failFast("p2 exited", () -> !mesh.process("p2").isAlive())
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + p2Management + "/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    mesh.add(
        "observer",
        n -> n.cedar("// permits nothing\n").yaml("authorization: {decision_timeout_seconds: 3}"));
    NodeProcess p1 = mesh.process("p1");
    MeshNode observer = mesh.node("observer").node();
    ClusterAgentDirectory directory = mesh.node("observer").component(ClusterAgentDirectory.class);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> directory.gateways(CONVERSATIONS).size() == 2);
    AgentRef conversations =
        observer.agent("observer").ref(CONVERSATIONS).withTimeout(Duration.ofSeconds(60));

    // One entity per key: 40 concurrent first calls of one conversation enter through both
    // processes' gateways; one entity answers them all, one at a time.
    List<CompletableFuture<Conversation>> first = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      first.add(
          conversations
              .ask(
                  "append",
                  new ConversationAgent.Append("fresh", "user", "hello " + i),
                  Conversation.class)
              .toCompletableFuture());
    }
    Set<String> instances = new HashSet<>();
    Set<Long> counts = new HashSet<>();
    for (CompletableFuture<Conversation> f : first) {
      Conversation c = f.get(90, TimeUnit.SECONDS);
      instances.add(c.instance());
      counts.add(c.appended());
    }
    assertThat(instances).hasSize(1);
    assertThat(counts).hasSize(40).contains(1L, 40L);
    assertThat(history(conversations, "fresh").messages()).hasSize(1);

    // Conversations spread over both processes.
    Map<String, Conversation> before = new HashMap<>();
    for (int k = 0; k < 30; k++) {
      before.put("c" + k, append(conversations, "c" + k, "first"));
    }
    assertThat(before.values().stream().map(Conversation::node).distinct())
        .containsExactlyInAnyOrder("p1", "p2");

    // Rebalance on join: p3 joins, and some conversations move to it (rebalance rounds are 10 s).
    long joinStarted = System.nanoTime();
    mesh.addProcess("p3", KeyedAgentsProcessesIT::conversationsNode)
        .awaitReady(Duration.ofSeconds(120));
    Map<String, Conversation> moved = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              for (int k = 0; k < 30; k++) {
                Conversation c = history(conversations, "c" + k);
                if (c.node().equals("p3")) {
                  moved.put("c" + k, c);
                }
              }
              return moved.size() >= 3;
            });
    long rebalanceMs = (System.nanoTime() - joinStarted) / 1_000_000;
    moved.forEach(
        (key, c) -> {
          // State is in memory: a moved conversation starts again.
          assertThat(c.instance()).isNotEqualTo(before.get(key).instance());
          assertThat(c.appended()).isZero();
        });

    // The observer's own policy permits nothing, so this allow comes from the singleton (on p1,
    // the oldest member).
    assertThat(
            observer
                .checkAuthorization(probe(0), SEARCH, "search")
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS)
                .allowed())
        .isTrue();

    // SIGKILL p1: the split brain resolver downs it, the singleton starts on the next oldest
    // process, and fresh decisions are allowed again; conversations of p1 restart elsewhere.
    long killedAt = System.nanoTime();
    p1.kill(); // SIGKILL to a process this test started
    int[] probe = {1};
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                observer
                    .checkAuthorization(probe(probe[0]++), SEARCH, "search")
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)
                    .allowed());
    long handOverMs = (System.nanoTime() - killedAt) / 1_000_000;
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> directory.gateways(CONVERSATIONS).size() == 2);
    Set<String> nodesAfter = new HashSet<>();
    for (int k = 0; k < 30; k++) {
      nodesAfter.add(history(conversations, "c" + k).node());
    }
    long entitiesBackMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(nodesAfter).doesNotContain("p1").isNotEmpty();
    System.out.printf(
        "keyed processes: rebalance to the joining node seen %d ms after its start; after SIGKILL"
            + " of the singleton's node: fresh decisions allowed after %d ms, every conversation"
            + " answered again after %d ms%n",
        rebalanceMs, handOverMs, entitiesBackMs);
  }

  static SpiffeId probe(int i) {
    return SpiffeId.parse("spiffe://example.org/agent/probe-" + i);
  }
}
