package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import java.nio.file.Path;
import java.util.List;

/** The sample agents of the performance guide, ready to host on a node. */
public final class SampleAgents {
  private SampleAgents() {}

  /**
   * Every sample agent: search, indexer, storage, orchestrator, file-processor and batch.
   *
   * @param fileRoot the directory file-processor may read
   * @return the agents
   */
  public static List<Agent> all(Path fileRoot) {
    return List.of(
        SearchAgent.create(),
        IndexerAgent.create(),
        StorageAgent.create(),
        OrchestratorAgent.create(),
        FileProcessorAgent.create(fileRoot),
        BatchAgent.create());
  }

  /**
   * Every keyed sample agent: conversations. Keyed agents run on Cluster Sharding, so a node hosts
   * them only with {@code cluster.enabled: true}.
   *
   * @param node the name of the hosting node, reported in answers
   * @return the keyed agents
   */
  public static List<dev.agentweave.mesh.KeyedAgent<?>> keyed(String node) {
    return List.of(ConversationAgent.create(node));
  }
}
