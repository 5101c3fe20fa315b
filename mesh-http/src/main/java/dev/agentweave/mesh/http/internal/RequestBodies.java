package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.support.Bounded;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * How the gateway takes in request bodies: within {@code server.max_body_bytes} whatever their
 * framing, of a media type, charset and coding it reads, within the request's time, and no more of
 * them at once than {@code server.max_concurrent_requests}. Every refusal is the protocol's error
 * answer. Thread-safe.
 */
final class RequestBodies {
  private final Materializer materializer;
  private final long maxBodyBytes;
  private final int maxConcurrent;
  private final AtomicInteger inFlight = new AtomicInteger();

  RequestBodies(Materializer materializer, long maxBodyBytes, int maxConcurrent) {
    this.materializer = materializer;
    this.maxBodyBytes = maxBodyBytes;
    this.maxConcurrent = maxConcurrent;
  }

  /** Requests with a body being served now. */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * Runs a request that carries a body: refused at once (413) when it is limited and its declared
   * length is over {@code server.max_body_bytes}, and (503) when the gateway already serves {@code
   * server.max_concurrent_requests}; otherwise counted in flight until its answer is ready.
   */
  CompletionStage<HttpResponse> admitted(
      HttpRequest request,
      String requestId,
      boolean limited,
      Supplier<CompletionStage<HttpResponse>> work) {
    HttpEntity entity = request.entity();
    if (limited
        && entity.getContentLengthOption().isPresent()
        && entity.getContentLengthOption().getAsLong() > maxBodyBytes) {
      if (entity.getContentLengthOption().getAsLong() > discardLimit()) {
        // too much to read and drop: answer and close the connection
        return done(tooLarge(requestId).addHeader(Connection.create("close")));
      }
      discard(request);
      return done(tooLarge(requestId));
    }
    if (inFlight.incrementAndGet() > maxConcurrent) {
      inFlight.decrementAndGet();
      discard(request);
      return done(
          WireProtocol.error(
              new OverloadedException(
                  "the gateway serves "
                      + maxConcurrent
                      + " requests at once (server.max_concurrent_requests); retry later",
                  Duration.ofSeconds(1)),
              requestId));
    }
    CompletionStage<HttpResponse> answer;
    try {
      answer = work.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.whenComplete((r, e) -> inFlight.decrementAndGet());
  }

  /**
   * Reads a body of at most {@code server.max_body_bytes} within the timeout, then hands it and the
   * time left to {@code then}; an unreadable body is answered here.
   */
  CompletionStage<HttpResponse> strict(
      HttpEntity entity,
      Duration timeout,
      String requestId,
      BiFunction<byte[], Duration, CompletionStage<HttpResponse>> then) {
    long started = System.nanoTime();
    if (entity instanceof HttpEntity.Strict strict) {
      // The whole body came with the head (nearly every small request): no stream to run, which
      // would materialize an actor per request and answer on another thread.
      ByteString data = strict.getData();
      if (data.size() > maxBodyBytes) {
        return done(tooLarge(requestId));
      }
      // nothing was waited for: the whole timeout is left (a throw is answered by admitted)
      return then.apply(data.toArray(), timeout);
    }
    // Read up to max_body_bytes; past that keep reading and dropping (up to a bound) so that the
    // client finishes sending and reads the 413 instead of a reset connection.
    long discardUpTo = discardLimit();
    return entity
        .withoutSizeLimit()
        .getDataBytes()
        .completionTimeout(Duration.ofMillis(Math.max(1, timeout.toMillis())))
        .runFold(
            new BodyBuffer(),
            (buffer, bytes) -> buffer.add(bytes, maxBodyBytes, discardUpTo),
            materializer)
        .handle(
            (buffer, readError) -> {
              if (readError != null) {
                return done(unreadable(readError, requestId));
              }
              if (buffer.size > maxBodyBytes) {
                return done(tooLarge(requestId));
              }
              return then.apply(
                  buffer.bytes.result().toArray(), timeout.minusNanos(System.nanoTime() - started));
            })
        .thenCompose(x -> x);
  }

  /**
   * A JSON body that declares another media type, a charset other than UTF-8 or a content coding is
   * refused (415) before it is read. A body without a Content-Type is taken as JSON (Pekko HTTP
   * shows it as {@code application/octet-stream}, which is therefore accepted too).
   */
  Optional<HttpResponse> unsupportedJson(HttpRequest request, String requestId) {
    Optional<HttpResponse> encoding = unsupportedEncoding(request, requestId);
    if (encoding.isPresent()) {
      return encoding;
    }
    var contentType = request.entity().getContentType();
    var media = contentType.mediaType();
    boolean json =
        media.equals(MediaTypes.APPLICATION_JSON)
            || media.equals(MediaTypes.APPLICATION_OCTET_STREAM)
            || (media.isApplication() && media.subType().endsWith("+json"));
    if (!json) {
      discard(request);
      return Optional.of(
          unsupportedMedia(
              "Content-Type "
                  + Bounded.shown(media.toString())
                  + " is not accepted here (expected: application/json)",
              requestId));
    }
    var charset = contentType.getCharsetOption();
    if (charset.isPresent() && !charset.get().nioCharset().equals(StandardCharsets.UTF_8)) {
      discard(request);
      return Optional.of(
          unsupportedMedia(
              "charset "
                  + Bounded.shown(charset.get().value())
                  + " is not accepted (expected: UTF-8, or no charset)",
              requestId));
    }
    return Optional.empty();
  }

  /** Any content coding but {@code identity} is refused (415) before the body is read. */
  Optional<HttpResponse> unsupportedEncoding(HttpRequest request, String requestId) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.is("content-encoding")) {
        String coding = h.value().trim();
        if (!coding.equalsIgnoreCase("identity")) {
          discard(request);
          return Optional.of(
              unsupportedMedia(
                  "Content-Encoding "
                      + Bounded.shown(coding)
                      + " is not supported (expected: no Content-Encoding, or identity)",
                  requestId));
        }
      }
    }
    return Optional.empty();
  }

  /** Drops the request's body, so the connection can serve the next request. */
  void discard(HttpRequest request) {
    request.discardEntityBytes(materializer);
  }

  /** Drops what is left of a body a handler may have started to read. */
  void discardQuietly(HttpRequest request) {
    try {
      request.discardEntityBytes(materializer);
    } catch (RuntimeException alreadyConsumed) {
      // the handler started reading the request; the connection closes after the answer
    }
  }

  private static HttpResponse unsupportedMedia(String message, String requestId) {
    return WireProtocol.error(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, requestId);
  }

  private HttpResponse tooLarge(String requestId) {
    return WireProtocol.error(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than " + maxBodyBytes + " bytes (server.max_body_bytes)",
        requestId);
  }

  private HttpResponse unreadable(Throwable readError, String requestId) {
    Throwable cause = readError instanceof CompletionException c ? c.getCause() : readError;
    if (cause instanceof EntityStreamSizeException
        || cause instanceof BodyTooLarge
        || (cause instanceof EntityStreamException x
            && "Request too large".equals(x.info().summary()))) {
      return tooLarge(requestId);
    }
    if (cause instanceof java.util.concurrent.TimeoutException
        || cause instanceof org.apache.pekko.stream.StreamTimeoutException) {
      return WireProtocol.error(
          ErrorCode.DEADLINE_EXCEEDED, "the request body did not arrive in time", requestId);
    }
    return WireProtocol.error(
        ErrorCode.INVALID_REQUEST,
        "the request body could not be read (it ended early or its chunked framing is malformed)",
        requestId);
  }

  /** The most bytes of a body over the limit that are read (and dropped) before the 413. */
  private long discardLimit() {
    return maxBodyBytes + Math.min(maxBodyBytes, 64L * 1024 * 1024);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  /** A body that goes on past what the gateway reads and drops. */
  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }

  /** A request body read so far: its bytes up to the limit, and its size. */
  private static final class BodyBuffer {
    final ByteStringBuilder bytes = new ByteStringBuilder();
    long size;

    BodyBuffer add(ByteString chunk, long limit, long discardUpTo) {
      size += chunk.size();
      if (size > discardUpTo) {
        throw new BodyTooLarge();
      }
      if (size <= limit) {
        bytes.append(chunk);
      }
      return this;
    }
  }
}
