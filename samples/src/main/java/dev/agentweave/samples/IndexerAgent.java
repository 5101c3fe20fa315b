package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import java.util.List;
import java.util.Locale;

/**
 * The guide's {@code indexer} agent: {@code query} returns the ids of documents containing a word.
 */
public final class IndexerAgent {
  /** Agent name. */
  public static final String NAME = "indexer";

  /**
   * An index query.
   *
   * @param query the words
   */
  public record IndexQuery(String query) {}

  /**
   * Index results.
   *
   * @param query the query
   * @param documentIds ids (positions in the corpus) of matching documents
   */
  public record IndexResult(String query, List<Integer> documentIds) {}

  private IndexerAgent() {}

  /**
   * Creates the agent.
   *
   * @return the agent
   */
  public static Agent create() {
    return Agent.of(NAME)
        .withDescription("Looks words up in the corpus index")
        .withCapability(
            Capability.of(
                    "query",
                    IndexQuery.class,
                    IndexResult.class,
                    (ctx, req) -> {
                      String first = req.query().toLowerCase(Locale.ROOT).split("\\s+")[0];
                      List<Integer> ids =
                          java.util.stream.IntStream.range(0, SearchAgent.CORPUS.size())
                              .filter(
                                  i ->
                                      SearchAgent.CORPUS
                                          .get(i)
                                          .toLowerCase(Locale.ROOT)
                                          .contains(first))
                              .boxed()
                              .toList();
                      return new IndexResult(req.query(), ids);
                    })
                .withIdempotent(true));
  }
}
