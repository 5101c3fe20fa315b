package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.CallContext;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.Outcome;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.samples.IndexerAgent.IndexQuery;
import dev.agentweave.samples.IndexerAgent.IndexResult;
import dev.agentweave.samples.SearchAgent.SearchRequest;
import dev.agentweave.samples.SearchAgent.SearchResult;
import dev.agentweave.samples.StorageAgent.Retrieve;
import dev.agentweave.samples.StorageAgent.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The guide's parallel-calls example: {@code aggregate} calls search, indexer and storage at once
 * (total time is the slowest call, not the sum) and tolerates one failing, reporting which. It
 * fails only when every source fails.
 */
public final class OrchestratorAgent {
  /** Agent name. */
  public static final String NAME = "orchestrator";

  /**
   * An aggregate query.
   *
   * @param query the query passed to every source
   */
  public record AggregateRequest(String query) {}

  /**
   * The combined answer; a source that failed is {@code null} and named in {@code failures}.
   *
   * @param search search results or null
   * @param index index results or null
   * @param storage the stored record or null
   * @param failures one line per failed source
   */
  public record AggregateResult(
      SearchResult search, IndexResult index, StoredRecord storage, List<String> failures) {}

  private OrchestratorAgent() {}

  /**
   * Creates the agent.
   *
   * @return the agent
   */
  public static Agent create() {
    return Agent.of(NAME)
        .withDescription("Aggregates search, index and storage in parallel")
        .withCapability(
            Capability.ofAsync(
                "aggregate",
                AggregateRequest.class,
                AggregateResult.class,
                OrchestratorAgent::aggregate));
  }

  private static CompletionStage<AggregateResult> aggregate(CallContext ctx, AggregateRequest req) {
    String td = ctx.self().trustDomain();
    AgentRef search = ctx.ref(SpiffeId.forAgent(td, SearchAgent.NAME));
    AgentRef indexer = ctx.ref(SpiffeId.forAgent(td, IndexerAgent.NAME));
    AgentRef storage = ctx.ref(SpiffeId.forAgent(td, StorageAgent.NAME));
    List<CompletionStage<?>> calls =
        List.of(
            search.ask("search", new SearchRequest(req.query(), 10), SearchResult.class),
            indexer.ask("query", new IndexQuery(req.query()), IndexResult.class),
            storage.ask("retrieve", new Retrieve(req.query()), StoredRecord.class));
    return Outcome.<Object>all(calls)
        .thenApply(
            outcomes -> {
              List<String> failures = new ArrayList<>();
              String[] names = {"search", "indexer", "storage"};
              for (int i = 0; i < outcomes.size(); i++) {
                if (!outcomes.get(i).isSuccess()) {
                  failures.add(names[i] + ": " + outcomes.get(i).error().getMessage());
                }
              }
              if (failures.size() == outcomes.size()) {
                throw new CapabilityException("every source failed: " + failures);
              }
              return new AggregateResult(
                  (SearchResult) outcomes.get(0).orElse(null),
                  (IndexResult) outcomes.get(1).orElse(null),
                  (StoredRecord) outcomes.get(2).orElse(null),
                  List.copyOf(failures));
            });
  }
}
