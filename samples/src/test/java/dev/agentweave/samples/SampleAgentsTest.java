package dev.agentweave.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.testkit.MeshExtension;
import dev.agentweave.samples.BatchAgent.BatchRequest;
import dev.agentweave.samples.BatchAgent.BatchResult;
import dev.agentweave.samples.FileProcessorAgent.FileStats;
import dev.agentweave.samples.FileProcessorAgent.ProcessFile;
import dev.agentweave.samples.OrchestratorAgent.AggregateRequest;
import dev.agentweave.samples.OrchestratorAgent.AggregateResult;
import dev.agentweave.samples.SearchAgent.ProcessResult;
import dev.agentweave.samples.SearchAgent.SearchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SampleAgentsTest {
  static final Path ROOT = createRoot();

  @RegisterExtension
  static final MeshExtension mesh = MeshExtension.builder().agents(SampleAgents.all(ROOT)).build();

  private static Path createRoot() {
    try {
      Path dir = Files.createTempDirectory("agentweave-samples");
      Files.writeString(dir.resolve("notes.txt"), "one two three\nfour five\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T get(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void search_acceptsTheGuidesLoadTestPayloads() throws Exception {
    SearchResult r =
        get(
            mesh.client("search")
                .ask("search", Map.of("query", "test query", "limit", 10), SearchResult.class));
    assertThat(r.hits()).contains("Test query planning and execution");
    ProcessResult p =
        get(
            mesh.client("search")
                .ask("process", Map.of("data", Map.of("key", "VALUE")), ProcessResult.class));
    assertThat(p).isEqualTo(new ProcessResult(1, Map.of("key", "value")));
  }

  @Test
  void aggregate_toleratesOneFailingSource() throws Exception {
    AggregateResult ok =
        get(
            mesh.client("orchestrator")
                .ask("aggregate", new AggregateRequest("pekko"), AggregateResult.class));
    assertThat(ok.failures()).isEmpty();
    assertThat(ok.search().hits()).isNotEmpty();
    assertThat(ok.storage().key()).isEqualTo("pekko");
    AggregateResult partial =
        get(
            mesh.client("orchestrator")
                .ask("aggregate", new AggregateRequest("missing-key"), AggregateResult.class));
    assertThat(partial.storage()).isNull();
    assertThat(partial.search()).isNotNull();
    assertThat(partial.index()).isNotNull();
    assertThat(partial.failures())
        .singleElement()
        .asString()
        .startsWith("storage: no record for key 'missing-key'");
  }

  @Test
  void batch_processesEveryItem_andReportsFailuresPerItem() throws Exception {
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      items.add(Map.of("n", i, "label", "Item-" + i));
    }
    BatchResult r =
        get(mesh.client("batch").ask("batch_process", new BatchRequest(items), BatchResult.class));
    assertThat(r.succeeded()).isEqualTo(25);
    assertThat(r.failed()).isZero();
    assertThat(r.results().get(7).result().normalized()).containsEntry("label", "item-7");
  }

  @Test
  void fileProcessor_countsAFile_andRefusesPathsOutsideItsRoot() throws Exception {
    FileStats s =
        get(
            mesh.client("file-processor")
                .ask("process_file", new ProcessFile("notes.txt"), FileStats.class));
    assertThat(s).isEqualTo(new FileStats("notes.txt", 2, 5, 24));
    try {
      get(
          mesh.client("file-processor")
              .ask("process_file", new ProcessFile("../../etc/passwd"), FileStats.class));
      throw new AssertionError("escaped the root");
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(HandlerRejectedException.class)
          .hasMessageContaining("outside the agent's root");
    }
  }

  @Test
  void quickStart_runs() {
    assertThat(QuickStart.run()).isEqualTo("Hello Ada, from spiffe://example.org/agent/greeter");
  }
}
