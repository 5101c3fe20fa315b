package dev.agentweave.mesh.cli.bench;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * POSTs a JSON body to a URL over HTTP/1.1 with Pekko HTTP's pooled client, one connection per
 * request in flight (up to the pool's size), over mutual TLS for {@code https} URLs. The load
 * tool's default client: it spends far less CPU per request than the JDK's client, which matters on
 * a machine the server shares (measured in docs/load-testing.md). A response body is read but at
 * most {@link HttpTarget#KEPT_BODY_BYTES} of a failure's kept; a success's is discarded as it
 * arrives.
 */
public final class PekkoHttpTarget implements LoadTarget {
  private final URI url;
  private final BodyTemplate body;
  private final Duration timeout;
  private final ActorSystem system;
  private final Materializer materializer;
  private final Http http;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings pool;
  private final HttpRequest fixed;

  /**
   * Creates the target.
   *
   * @param url the URL to POST to
   * @param body the body
   * @param timeout each request's timeout
   * @param connections the pool's connections (the closed loop's concurrency)
   * @param waiting requests that may wait for a connection (the open loop's in-flight bound)
   * @param engines a new client TLS engine per connection, or {@code null} for {@code http}
   */
  public PekkoHttpTarget(
      URI url,
      BodyTemplate body,
      Duration timeout,
      int connections,
      int waiting,
      Supplier<SSLEngine> engines) {
    this.url = requireNonNull(url, "url");
    this.body = requireNonNull(body, "body");
    this.timeout = requireNonNull(timeout, "timeout");
    this.system =
        ActorSystem.create(
            "agentweave-bench",
            ConfigFactory.parseString(
                    "pekko.loglevel = WARNING\n"
                        + "pekko.stdout-loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\n"
                        + "pekko.http.client.parsing.max-content-length = infinite\n")
                .withFallback(ConfigFactory.load()));
    this.materializer = Materializer.matFromSystem(system);
    this.http = Http.get(system);
    this.https =
        engines == null ? null : ConnectionContext.httpsClient((host, port) -> engines.get());
    this.pool =
        ConnectionPoolSettings.create(system)
            .withMaxConnections(connections)
            .withMinConnections(0)
            .withMaxRetries(0)
            .withMaxOpenRequests(powerOfTwoAtLeast((long) connections + waiting))
            .withResponseEntitySubscriptionTimeout(timeout);
    this.fixed = body.isFixed() ? request(body.render(0)) : null;
  }

  private static int powerOfTwoAtLeast(long n) {
    int p = 1;
    while (p < n && p < (1 << 30)) {
      p <<= 1;
    }
    return p;
  }

  private HttpRequest request(byte[] bytes) {
    return HttpRequest.POST(url.toString())
        .addHeader(RawHeader.create("X-AgentWeave-Timeout-Ms", Long.toString(timeout.toMillis())))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes));
  }

  @Override
  public CompletableFuture<Outcome> send(long seq) {
    HttpRequest r = fixed != null ? fixed : request(body.render(seq));
    CompletableFuture<HttpResponse> answer =
        (https == null
                ? http.singleRequest(r, http.defaultClientHttpsContext(), pool, system.log())
                : http.singleRequest(r, https, pool, system.log()))
            .toCompletableFuture();
    return answer
        .thenCompose(this::outcome)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> Outcome.failed(LoadRun.kindOf(e)));
  }

  private CompletableFuture<Outcome> outcome(HttpResponse response) {
    int status = response.status().intValue();
    if (status == 200) {
      return response
          .discardEntityBytes(materializer)
          .completionStage()
          .thenApply(d -> Outcome.OK)
          .toCompletableFuture();
    }
    return response
        .entity()
        .withSizeLimit(HttpTarget.KEPT_BODY_BYTES)
        .toStrict(timeout.toMillis(), materializer)
        .thenApply(
            strict -> Outcome.failed(HttpTarget.httpKind(status, strict.getData().toArray())))
        .exceptionally(e -> Outcome.failed("HTTP " + status))
        .toCompletableFuture();
  }

  @Override
  public String describe() {
    return url.toString();
  }

  @Override
  public String protocol() {
    return "HTTP/1.1";
  }

  @Override
  public void close() {
    http.shutdownAllConnectionPools()
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    system.terminate();
  }
}
