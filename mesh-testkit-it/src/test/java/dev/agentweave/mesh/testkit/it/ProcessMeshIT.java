package dev.agentweave.mesh.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.TestMesh;
import dev.agentweave.samples.SearchAgent;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node process and a node in the test JVM in one mesh: the process serves the sample search agent
 * through its gateway, the node in the JVM calls it, SIGTERM stops the process cleanly.
 */
class ProcessMeshIT {
  @Test
  void aNodeInTheJvm_callsANodeProcess_whichStopsCleanlyOnSigterm() throws Exception {
    try (TestMesh mesh =
        TestMesh.builder()
            .process("search", n -> n.hosts("search").gateway())
            .node("caller", n -> n.peers("search"))
            .start()) {
      NodeProcess search = mesh.process("search");
      URI url = search.awaitReady(Duration.ofSeconds(120)).orElseThrow();
      assertThat(url.getHost()).isEqualTo("127.0.0.1");

      SearchAgent.SearchResult result =
          mesh.node("caller")
              .ref("search")
              .withTimeout(Duration.ofSeconds(30))
              .ask(
                  "search",
                  new SearchAgent.SearchRequest("test query", 3),
                  SearchAgent.SearchResult.class)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertThat(result.query()).isEqualTo("test query");

      search.terminate();
      assertThat(search.awaitExit(Duration.ofSeconds(60))).as(search.log()).isZero();
      assertThat(search.log()).contains("stopped").doesNotContain("Exception");
      mesh.keepLogs(ProcessMeshIT.class);
    }
  }
}
