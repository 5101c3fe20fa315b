package dev.agentweave.samples;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.CallContext;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.samples.SearchAgent.SearchRequest;
import dev.agentweave.samples.SearchAgent.SearchResult;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Code shown in docs/. Every Java block of the docs is a verbatim excerpt of this file or of
 * another sample (a test checks that), so documentation examples always compile.
 */
public final class DocSnippets {
  private DocSnippets() {}

  /**
   * Loading settings.
   *
   * @param file a config.yaml
   * @param yamlText YAML text
   * @return both settings
   */
  public static List<MeshSettings> loading(Path file, String yamlText) {
    MeshSettings fromFile = MeshSettings.load(file); // the file, then AGENTWEAVE_* overrides
    MeshSettings inline = MeshSettings.parse("inline", yamlText, Map.of()); // no environment
    return List.of(fromFile, inline);
  }

  /**
   * Capability options.
   *
   * @return a capability with every option set
   */
  public static Capability<SearchRequest, SearchResult> options() {
    return Capability.of(
            "search",
            SearchRequest.class,
            SearchResult.class,
            (ctx, req) -> SearchAgent.search(req))
        .withDescription("Full-text search")
        .withMaxInFlight(64) // handlers running at once (asynchronous or blocking handlers)
        .withMailboxCapacity(2_000) // accepted calls waiting to start; beyond: OverloadedException
        .withTimeout(Duration.ofSeconds(2)) // the callee's own bound, whatever the caller allows
        .withBlocking(false) // true: run on the blocking dispatcher (server.blocking_pool_size)
        .withIdempotent(true) // safe to retry after a failure in flight
        .withRequiredPeers(
            "spiffe://example.org/agent/orchestrator", "spiffe://example.org/agent/batch-*");
  }

  /**
   * Calls with error handling.
   *
   * @param ref a ref to search
   * @return the result or null
   */
  public static CompletionStage<SearchResult> callWithErrors(AgentRef ref) {
    return ref.ask(
            "search", new SearchRequest("pekko", 5), SearchResult.class, Duration.ofSeconds(1))
        .exceptionally(
            error -> {
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              if (cause instanceof OverloadedException overloaded) {
                System.err.println("retry after " + overloaded.retryAfter());
              } else if (cause instanceof PermissionDeniedException denied) {
                System.err.println("not allowed: " + denied.getMessage());
              }
              return null;
            });
  }

  /**
   * User metrics in a handler, the counterpart of the guide's {@code measure_time}.
   *
   * @param ctx the call context
   * @param req the request
   * @return the result
   * @throws Exception if the search fails
   */
  public static SearchResult measured(CallContext ctx, SearchRequest req) throws Exception {
    Metrics metrics = ctx.metrics();
    Timer query =
        metrics.timer("search.database.query", "Time spent querying the index", "index", "main");
    metrics.counter("search.queries", "Queries received", "kind", "full_text").increment();
    SearchResult result = metrics.measureTime(query, () -> SearchAgent.search(req));
    metrics.histogram("search.result.count", "Hits per query").record(result.hits().size());
    return result;
  }

  /**
   * A node's lifecycle.
   *
   * @param node a running node
   */
  public static void lifecycle(MeshNode node) {
    assert node.state() == NodeState.READY;
    node.stop() // new calls now fail with UnavailableException; calls in flight may finish
        .thenRun(() -> System.out.println("stopped: " + node.state())); // STOPPED
  }

  /** An authorizer plugged in through the SPI: a deny list in front of everything else. */
  public static final class DenyListAuthorizer implements Authorizer {
    private final List<String> deniedCallers;

    /**
     * Creates it.
     *
     * @param deniedCallers SPIFFE IDs that may call nothing
     */
    public DenyListAuthorizer(List<String> deniedCallers) {
      this.deniedCallers = List.copyOf(deniedCallers);
    }

    @Override
    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
      boolean denied = deniedCallers.contains(request.caller().toString());
      return CompletableFuture.completedFuture(
          denied
              ? AuthzDecision.deny("caller is on the deny list", "deny-list-v1")
              : AuthzDecision.allow("caller is not on the deny list", "deny-list-v1"));
    }

    @Override
    public String name() {
      return "deny-list";
    }
  }
}
