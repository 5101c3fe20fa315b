package dev.agentweave.mesh.cli.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * POSTs a JSON body to a URL ({@code POST /task}, {@code /agents/{agent}/task}, or any JSON
 * endpoint such as a bare comparison server) with the JDK's HTTP client, over mutual TLS for {@code
 * https} URLs. A response body is read but at most {@link #KEPT_BODY_BYTES} of it kept (for the
 * error code of a failure), so a server that answers without end cannot fill the heap.
 */
public final class HttpTarget implements LoadTarget {
  /** Bytes of a response body kept; the rest is read and dropped. */
  static final int KEPT_BODY_BYTES = 16 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final BodyTemplate body;
  private final Duration timeout;
  private final HttpClient client;
  private final HttpRequest fixed;
  private volatile String protocol = "";

  /**
   * Creates the target.
   *
   * @param url the URL to POST to
   * @param body the body
   * @param timeout each request's timeout
   * @param http2 whether to offer HTTP/2 (ALPN picks what the server speaks)
   * @param tls the client's TLS context for {@code https} URLs, or {@code null} for {@code http}
   * @param tlsProtocols the TLS versions to offer, or {@code null} for the context's own
   */
  public HttpTarget(
      URI url,
      BodyTemplate body,
      Duration timeout,
      boolean http2,
      SSLContext tls,
      String[] tlsProtocols) {
    this.url = requireNonNull(url, "url");
    this.body = requireNonNull(body, "body");
    this.timeout = requireNonNull(timeout, "timeout");
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            // Answers are handled where they arrive: recording one and sending the next never
            // blocks, and a hand-off to a pool per answer costs the client more than the server.
            .executor(Runnable::run);
    if (tls != null) {
      b.sslContext(tls);
      if (tlsProtocols != null) {
        SSLParameters p = new SSLParameters();
        p.setProtocols(tlsProtocols);
        b.sslParameters(p);
      }
    }
    this.client = b.build();
    this.fixed = body.isFixed() ? request(body.render(0)) : null;
  }

  private HttpRequest request(byte[] bytes) {
    return HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("X-AgentWeave-Timeout-Ms", Long.toString(timeout.toMillis()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  @Override
  public CompletableFuture<Outcome> send(long seq) {
    HttpRequest r = fixed != null ? fixed : request(body.render(seq));
    return client
        .sendAsync(r, info -> new Kept())
        .handle(
            (response, error) -> {
              if (error != null) {
                return Outcome.failed(LoadRun.kindOf(error));
              }
              if (protocol.isEmpty()) {
                protocol = response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
              }
              int status = response.statusCode();
              return status == 200 ? Outcome.OK : Outcome.failed(httpKind(status, response.body()));
            });
  }

  /** {@code HTTP 503 overloaded}: the status and the gateway's error code, when it sent one. */
  static String httpKind(int status, byte[] body) {
    String code = "";
    if (body.length > 0 && body.length < KEPT_BODY_BYTES) {
      try {
        JsonNode n = JSON.readTree(body).path("error").path("code");
        if (n.isTextual() && n.asText().matches("[a-z_]{1,40}")) {
          code = " " + n.asText();
        }
      } catch (java.io.IOException | RuntimeException notJson) {
        // a body that is not our error JSON: the status alone
      }
    }
    return "HTTP " + status + code;
  }

  @Override
  public String describe() {
    return url.toString();
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public void close() {
    // The JDK client closes its connections when it is collected (close() is Java 21).
  }

  /** A body subscriber that keeps the first bytes and drops the rest. */
  private static final class Kept implements HttpResponse.BodySubscriber<byte[]> {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int room = KEPT_BODY_BYTES - kept.size();
        if (room > 0) {
          byte[] chunk = new byte[Math.min(room, b.remaining())];
          b.get(chunk);
          kept.write(chunk, 0, chunk.length);
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(kept.toByteArray());
    }
  }
}
