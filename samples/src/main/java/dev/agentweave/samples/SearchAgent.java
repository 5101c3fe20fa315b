package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guide's {@code search} agent: {@code search} answers a query over a small in-memory corpus,
 * {@code process} summarizes a data object. Their request shapes are those of the guide's load
 * test: {@code {"query": "test query", "limit": 10}} and {@code {"data": {"key": "value"}}}.
 */
public final class SearchAgent {
  /** Agent name. */
  public static final String NAME = "search";

  /**
   * A search request.
   *
   * @param query words to look for
   * @param limit maximum hits, 1 to 100
   */
  public record SearchRequest(String query, int limit) {}

  /**
   * Search results.
   *
   * @param query the query
   * @param hits matching documents, best first
   * @param total how many documents matched before the limit
   */
  public record SearchResult(String query, List<String> hits, int total) {}

  /**
   * A process request.
   *
   * @param data the object to process
   */
  public record ProcessRequest(Map<String, Object> data) {}

  /**
   * The result of processing.
   *
   * @param fields how many fields the object had
   * @param normalized the object with keys in order and string values in lower case
   */
  public record ProcessResult(int fields, Map<String, Object> normalized) {}

  static final List<String> CORPUS =
      List.of(
          "Pekko actors process messages one at a time",
          "SPIFFE identities name every workload",
          "Mutual TLS authenticates both ends of a connection",
          "A decision cache keeps authorization fast",
          "Connection pools reuse TCP connections",
          "Backpressure keeps a system responsive under load",
          "Test query planning and execution",
          "Circuit breakers stop cascading failures");

  /** The corpus in lower case, made once rather than per query. */
  private static final List<String> LOWER_CORPUS =
      CORPUS.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();

  private SearchAgent() {}

  /**
   * Creates the agent.
   *
   * @return the agent
   */
  public static Agent create() {
    return Agent.of(NAME)
        .withDescription("Searches a small corpus and processes data objects")
        .withCapability(
            Capability.of(
                    "search", SearchRequest.class, SearchResult.class, (ctx, req) -> search(req))
                .withDescription("Full-text search over the corpus")
                .withTags("search", "corpus")
                .withExamples("backpressure", "circuit breakers")
                .withIdempotent(true))
        .withCapability(
            Capability.of(
                    "process",
                    ProcessRequest.class,
                    ProcessResult.class,
                    (ctx, req) -> process(req))
                .withDescription("Normalizes a data object")
                .withIdempotent(true))
        // a plain text message (A2A) searches for the text, ten hits at most
        .withTextCapability("search", text -> new SearchRequest(text, 10));
  }

  /**
   * The search itself, without the mesh: what the capability answers (also used by the bare
   * comparison server of mesh-benchmarks, so that both do the same work per request).
   *
   * @param req the request
   * @return the hits
   */
  public static SearchResult search(SearchRequest req) {
    if (req.query() == null || req.query().isBlank()) {
      throw new CapabilityException("query must not be blank");
    }
    if (req.limit() < 1 || req.limit() > 100) {
      throw new CapabilityException("limit must be in 1..100, was " + req.limit());
    }
    String[] words = req.query().toLowerCase(Locale.ROOT).split("\\s+");
    List<String> hits = new ArrayList<>();
    for (int i = 0; i < CORPUS.size(); i++) {
      String lower = LOWER_CORPUS.get(i);
      for (String w : words) {
        if (lower.contains(w)) {
          hits.add(CORPUS.get(i));
          break;
        }
      }
    }
    return new SearchResult(
        req.query(), List.copyOf(hits.subList(0, Math.min(req.limit(), hits.size()))), hits.size());
  }

  static ProcessResult process(ProcessRequest req) {
    if (req.data() == null) {
      throw new CapabilityException("data is required");
    }
    Map<String, Object> normalized = new TreeMap<>();
    req.data()
        .forEach(
            (k, v) -> normalized.put(k, v instanceof String s ? s.toLowerCase(Locale.ROOT) : v));
    return new ProcessResult(req.data().size(), normalized);
  }
}
