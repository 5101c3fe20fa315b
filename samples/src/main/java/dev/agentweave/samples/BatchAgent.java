package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.CallContext;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.Outcome;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.samples.SearchAgent.ProcessRequest;
import dev.agentweave.samples.SearchAgent.ProcessResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The guide's semaphore example: {@code batch_process} sends every item to search's {@code process}
 * capability, at most {@value #CONCURRENCY} at a time, and reports one result per item, failures
 * included.
 */
public final class BatchAgent {
  /** Agent name. */
  public static final String NAME = "batch";

  /** Calls in flight per batch. */
  public static final int CONCURRENCY = 10;

  /**
   * A batch.
   *
   * @param items the data objects to process
   */
  public record BatchRequest(List<Map<String, Object>> items) {}

  /**
   * The outcome of one item.
   *
   * @param index the item's position
   * @param result the processing result, or null
   * @param error the failure message, or null
   */
  public record ItemResult(int index, ProcessResult result, String error) {}

  /**
   * The batch's results.
   *
   * @param results one per item, in order
   * @param succeeded items processed
   * @param failed items that failed
   */
  public record BatchResult(List<ItemResult> results, int succeeded, int failed) {}

  private BatchAgent() {}

  /**
   * Creates the agent.
   *
   * @return the agent
   */
  public static Agent create() {
    return Agent.of(NAME)
        .withDescription("Processes batches through search, ten at a time")
        .withCapability(
            Capability.ofAsync(
                "batch_process", BatchRequest.class, BatchResult.class, BatchAgent::batch));
  }

  private static CompletionStage<BatchResult> batch(CallContext ctx, BatchRequest req) {
    List<Map<String, Object>> items = req.items() == null ? List.of() : req.items();
    AgentRef processor =
        ctx.ref(SpiffeId.forAgent(ctx.self().trustDomain(), SearchAgent.NAME))
            .withConcurrencyLimit(CONCURRENCY, Math.max(0, items.size()));
    List<ProcessRequest> requests = new ArrayList<>();
    for (Map<String, Object> item : items) {
      requests.add(new ProcessRequest(item));
    }
    return processor
        .askAll("process", requests, ProcessResult.class)
        .thenApply(
            outcomes -> {
              List<ItemResult> results = new ArrayList<>();
              int ok = 0;
              for (int i = 0; i < outcomes.size(); i++) {
                Outcome<ProcessResult> o = outcomes.get(i);
                if (o.isSuccess()) {
                  ok++;
                  results.add(new ItemResult(i, o.value(), null));
                } else {
                  results.add(new ItemResult(i, null, o.error().getMessage()));
                }
              }
              return new BatchResult(List.copyOf(results), ok, outcomes.size() - ok);
            });
  }
}
