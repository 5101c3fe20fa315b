package dev.agentweave.mesh.cli.bench;

import java.util.concurrent.CompletableFuture;

/**
 * What a load run sends requests to: a gateway URL over HTTP, or an agent through an {@code
 * AgentRef}. Implementations are thread-safe; {@link #send} never blocks.
 */
public interface LoadTarget extends AutoCloseable {
  /**
   * Sends one request.
   *
   * @param seq the request's sequence number (0, 1, 2, ... over the run), for body templates
   * @return completes with the outcome; never completes exceptionally
   */
  CompletableFuture<Outcome> send(long seq);

  /**
   * What the target is, for the report.
   *
   * @return a URL or a SPIFFE ID with the capability
   */
  String describe();

  /**
   * The protocol the answers came over so far ({@code HTTP/1.1}, {@code HTTP/2}, {@code AgentRef}),
   * or empty before the first answer.
   *
   * @return the protocol
   */
  String protocol();

  /** Releases connections and, for an {@code AgentRef} target, stops the in-process node. */
  @Override
  void close();

  /**
   * The outcome of one request.
   *
   * @param ok whether it succeeded (HTTP 200, or an answered {@code ask})
   * @param kind for a failure, what it was: {@code HTTP 503 overloaded}, {@code timeout}, {@code
   *     connect: ConnectException}; empty on success
   */
  record Outcome(boolean ok, String kind) {
    /** The outcome of a success. */
    public static final Outcome OK = new Outcome(true, "");

    /**
     * A failure.
     *
     * @param kind what it was
     * @return the outcome
     */
    public static Outcome failed(String kind) {
      return new Outcome(false, kind);
    }
  }
}
