package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.http.config.GatewaySettings.ConnectionSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's connection layer: it accepts TCP connections itself, so that no connection can hold
 * the gateway shut, and stacks Pekko HTTP's server layer on the TLS stage for each one.
 *
 * <ul>
 *   <li>Every connection is accepted at once. Beyond {@code server.max_connections} in all, or
 *       {@code server.max_connections_per_address} from one remote address, it is closed at once
 *       (counted as {@code gateway.connections.refused}); the accept loop never waits.
 *   <li>A TLS handshake not finished within {@code server.handshake_timeout_seconds} of the accept
 *       is cut, however slowly its bytes arrive; a connection whose first request (its headers) has
 *       not arrived within {@code server.first_request_timeout_seconds} of the handshake is closed;
 *       a connection with no request in flight for {@code server.idle_timeout_seconds} is closed.
 *   <li>Handshakes that fail are counted by reason ({@code gateway.handshakes.failed}) and logged
 *       at most once a second.
 *   <li>{@link #drain} stops accepting, answers new requests 503 with {@code Connection: close},
 *       lets requests in flight finish and closes each connection once it is idle.
 * </ul>
 *
 * Thread-safe.
 */
public final class GatewayServer {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");

  /** The dispatcher of the accept loop (mesh-http's reference.conf). */
  static final String CONNECTION_DISPATCHER = "agentweave.gateway-connection-dispatcher";

  /**
   * While draining, a connection with a request partly received closes once no byte arrived on it
   * for this long (a client that stalls mid-request does not hold the drain to its deadline).
   */
  private static final long DRAIN_STALLED_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** While draining, a connection with nothing pending closes once quiet for this long. */
  private static final long DRAIN_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final ConnectionSettings limits;
  private final ServerSettings settings;
  private final LoggingAdapter log;
  private final Supplier<SSLEngine> engines;
  private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;
  private final Function<String, HttpResponse> drainingAnswer;
  private final Set<Conn> open = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger requestsInFlight = new AtomicInteger();
  private final ConnectionEvents events;
  private volatile boolean draining;
  private volatile long drainStartedAt;
  private volatile Tcp.ServerBinding binding;
  private Cancellable sweeper;

  /**
   * Creates the layer; {@link #bind} starts it.
   *
   * @param system the node's actor system
   * @param limits limits and timeouts ({@code server.*} connection keys)
   * @param settings Pekko HTTP server settings (parser limits, request timeout)
   * @param log the logging adapter of the server layer (see {@link ProtocolErrors#register})
   * @param engines a new server-side SSL engine per connection
   * @param handler answers a request
   * @param drainingAnswer the answer to a request that arrives while draining, given its request id
   * @param registry where the connection meters go
   */
  public GatewayServer(
      ActorSystem<?> system,
      ConnectionSettings limits,
      ServerSettings settings,
      LoggingAdapter log,
      Supplier<SSLEngine> engines,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      Function<String, HttpResponse> drainingAnswer,
      MeterRegistry registry) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.limits = limits;
    this.settings = settings;
    this.log = log;
    this.engines = engines;
    this.handler = handler;
    this.drainingAnswer = drainingAnswer;
    this.events = new ConnectionEvents(registry);
    Gauge.builder("gateway.connections.open", total, AtomicInteger::get)
        .description("Connections the gateway holds open (handshaking, idle or serving)")
        .register(registry);
  }

  /**
   * Binds and starts accepting.
   *
   * @param host the address to bind
   * @param port the port ({@code 0} picks one)
   * @return the bound address
   */
  public CompletionStage<InetSocketAddress> bind(String host, int port) {
    Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections =
        Tcp.get(system)
            .bind(
                host,
                port,
                settings.getBacklog(),
                List.of(),
                false,
                Optional.empty()); // idle time is watched here, with requests in mind
    // the accept loop runs apart from the default dispatcher too: starved by request work, it
    // left connections in the kernel's queue until clients gave up on their handshakes
    CompletionStage<Tcp.ServerBinding> bound =
        connections
            .to(Sink.foreach(this::accept))
            .withAttributes(ActorAttributes.dispatcher(CONNECTION_DISPATCHER))
            .run(materializer);
    long tick = Math.max(50, Math.min(500, limits.handshakeTimeout().toMillis() / 10));
    sweeper =
        system
            .classicSystem()
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ofMillis(tick),
                Duration.ofMillis(tick),
                this::sweep,
                system.executionContext());
    return bound.thenApply(
        b -> {
          binding = b;
          return b.localAddress();
        });
  }

  /** Connections open now. */
  public int connections() {
    return total.get();
  }

  /** Requests being answered now, over all connections. */
  public int requestsInFlight() {
    return requestsInFlight.get();
  }

  private void accept(Tcp.IncomingConnection incoming) {
    InetAddress address = incoming.remoteAddress().getAddress();
    if (draining) {
      refuse(incoming, "draining");
      return;
    }
    if (total.incrementAndGet() > limits.maxConnections()) {
      total.decrementAndGet();
      refuse(incoming, "max_connections");
      return;
    }
    if (perAddress.merge(address, 1, Integer::sum) > limits.maxPerAddress()) {
      release(address);
      total.decrementAndGet();
      refuse(incoming, "max_connections_per_address");
      return;
    }
    Conn conn = new Conn(incoming.remoteAddress());
    open.add(conn);
    Flow<ByteString, ByteString, Pair<UniqueKillSwitch, CompletionStage<Done>>> flow;
    try {
      flow = connectionFlow(conn);
    } catch (RuntimeException e) {
      LOG.error("cannot set up a connection from {}", incoming.remoteAddress(), e);
      closed(conn);
      incoming.handleWith(
          Flow.fromSinkAndSource(Sink.cancelled(), Source.<ByteString>empty()), materializer);
      return;
    }
    Pair<UniqueKillSwitch, CompletionStage<Done>> mat = incoming.handleWith(flow, materializer);
    conn.kill = mat.first();
    mat.second().whenComplete((done, failure) -> closed(conn));
  }

  private Flow<ByteString, ByteString, Pair<UniqueKillSwitch, CompletionStage<Done>>>
      connectionFlow(Conn conn) {
    BidiFlow<
            HttpResponse,
            org.apache.pekko.stream.TLSProtocol.SslTlsOutbound,
            org.apache.pekko.stream.TLSProtocol.SslTlsInbound,
            HttpRequest,
            org.apache.pekko.NotUsed>
        http = Http.get(system).serverLayer(settings, Optional.of(conn.remote), log);
    BidiFlow<
            org.apache.pekko.stream.TLSProtocol.SslTlsOutbound,
            ByteString,
            ByteString,
            org.apache.pekko.stream.TLSProtocol.SslTlsInbound,
            org.apache.pekko.NotUsed>
        tls = TLS.create(engines, session -> conn.handshaken(), TLSClosing.eagerClose());
    BidiFlow<ByteString, ByteString, ByteString, ByteString, UniqueKillSwitch> kill =
        BidiFlow.fromGraph(KillSwitches.<ByteString, ByteString>singleBidi());
    BidiFlow<ByteString, ByteString, ByteString, ByteString, org.apache.pekko.NotUsed> tap =
        BidiFlow.fromFlows(
            Flow.of(ByteString.class),
            Flow.of(ByteString.class)
                .map(
                    bytes -> {
                      conn.lastByteIn = System.nanoTime();
                      return bytes;
                    }));
    Flow<HttpRequest, HttpResponse, org.apache.pekko.NotUsed> requests =
        Flow.of(HttpRequest.class).mapAsync(1, request -> serve(conn, request));
    // the plaintext side of the TLS stage fails with the handshake's error (the transport side
    // only closes): watch it there to count why a handshake did not complete
    BidiFlow<
            org.apache.pekko.stream.TLSProtocol.SslTlsOutbound,
            org.apache.pekko.stream.TLSProtocol.SslTlsOutbound,
            org.apache.pekko.stream.TLSProtocol.SslTlsInbound,
            org.apache.pekko.stream.TLSProtocol.SslTlsInbound,
            org.apache.pekko.NotUsed>
        watch =
            BidiFlow.fromFlows(
                Flow.of(org.apache.pekko.stream.TLSProtocol.SslTlsOutbound.class),
                Flow.of(org.apache.pekko.stream.TLSProtocol.SslTlsInbound.class)
                    .watchTermination(
                        (m, done) -> {
                          done.whenComplete((d, failure) -> tlsEnded(conn, failure));
                          return m;
                        }));
    return requests
        .joinMat(http.atop(watch).atop(tls).atop(kill, Keep.right()).atop(tap), Keep.right())
        .watchTermination(Keep.both());
  }

  private CompletionStage<HttpResponse> serve(Conn conn, HttpRequest request) {
    conn.requestStarted();
    requestsInFlight.incrementAndGet();
    CompletionStage<HttpResponse> answer;
    if (draining) {
      request.discardEntityBytes(materializer);
      answer =
          CompletableFuture.completedFuture(
              drainingAnswer
                  .apply(WireProtocol.requestId(request))
                  .addHeader(Connection.create("close")));
    } else {
      try {
        answer = handler.apply(request);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
    }
    return answer
        .handle(
            (response, failure) -> {
              HttpResponse r =
                  failure == null
                      ? response
                      : WireProtocol.error(
                          dev.agentweave.mesh.ErrorCode.INTERNAL,
                          "internal error",
                          WireProtocol.requestId(request));
              if (failure != null) {
                LOG.error("a gateway request failed unexpectedly", failure);
              }
              if (draining && r.getHeader(Connection.class).isEmpty()) {
                r = r.addHeader(Connection.create("close"));
              }
              return r;
            })
        .whenComplete(
            (r, e) -> {
              requestsInFlight.decrementAndGet();
              conn.requestEnded();
            });
  }

  private void refuse(Tcp.IncomingConnection incoming, String reason) {
    events.refused(reason, incoming.remoteAddress().getAddress());
    incoming.handleWith(
        Flow.fromSinkAndSource(Sink.cancelled(), Source.<ByteString>empty()), materializer);
  }

  private void release(InetAddress address) {
    perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  private void closed(Conn conn) {
    if (open.remove(conn)) {
      total.decrementAndGet();
      release(conn.remote.getAddress());
    }
  }

  /** Counts (once) why a handshake did not complete, when it did not. */
  private void tlsEnded(Conn conn, Throwable failure) {
    if (!conn.handshakeDone && conn.closeReason == null && !conn.handshakeCounted.getAndSet(true)) {
      events.handshakeFailed(failure, conn.remote.getAddress());
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Conn c : open) {
      String reason = c.expired(now);
      if (reason != null) {
        c.close(reason);
        events.closed(reason);
      }
    }
  }

  /**
   * Stops accepting (the port is released) and drains: new requests on open connections are
   * answered 503 with {@code Connection: close}, requests in flight finish, idle connections close;
   * after {@code grace} every connection still open is cut.
   *
   * @param grace how long requests in flight may take
   * @return completes when no connection is left
   */
  public CompletionStage<Void> drain(Duration grace) {
    drainStartedAt = System.nanoTime();
    draining = true;
    Tcp.ServerBinding b = binding;
    CompletionStage<Void> unbound =
        b == null ? CompletableFuture.completedFuture(null) : b.unbind().thenApply(x -> null);
    CompletableFuture<Void> empty = new CompletableFuture<>();
    long deadline = System.nanoTime() + grace.toNanos();
    Cancellable[] watch = new Cancellable[1];
    watch[0] =
        system
            .classicSystem()
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ZERO,
                Duration.ofMillis(20),
                () -> {
                  if (open.isEmpty()) {
                    empty.complete(null);
                  } else if (System.nanoTime() - deadline >= 0) {
                    int left = requestsInFlight.get();
                    if (left > 0) {
                      LOG.warn(
                          "gateway drain: grace period {} over with {} requests in flight; their"
                              + " connections are closed",
                          grace,
                          left);
                    }
                    for (Conn c : open) {
                      c.close("drain_deadline");
                      events.closed("drain_deadline");
                    }
                    empty.complete(null);
                  }
                },
                system.executionContext());
    return unbound.thenCompose(x -> empty).whenComplete((x, e) -> watch[0].cancel());
  }

  /** Cuts every connection and stops the timers (after {@link #drain}, or instead of it). */
  public void close() {
    draining = true;
    if (sweeper != null) {
      sweeper.cancel();
    }
    Tcp.ServerBinding b = binding;
    if (b != null) {
      b.unbind();
    }
    for (Conn c : open) {
      c.close("stopped");
      events.closed("stopped");
    }
  }

  /** One connection's clock and state. */
  private final class Conn {
    final InetSocketAddress remote;
    final long acceptedAt = System.nanoTime();
    volatile UniqueKillSwitch kill;
    volatile boolean handshakeDone;
    volatile long handshakeAt;
    volatile boolean sawRequest;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long lastRequestEnd;
    volatile long lastByteIn = acceptedAt;
    volatile String closeReason;
    final java.util.concurrent.atomic.AtomicBoolean handshakeCounted =
        new java.util.concurrent.atomic.AtomicBoolean();

    Conn(InetSocketAddress remote) {
      this.remote = remote;
    }

    void handshaken() {
      handshakeAt = System.nanoTime();
      handshakeDone = true;
    }

    void requestStarted() {
      sawRequest = true;
      inFlight.incrementAndGet();
    }

    void requestEnded() {
      lastRequestEnd = System.nanoTime();
      inFlight.decrementAndGet();
    }

    /** Why this connection should close now, or {@code null}. */
    String expired(long now) {
      if (closeReason != null) {
        return null;
      }
      if (!handshakeDone) {
        return now - acceptedAt > limits.handshakeTimeout().toNanos() ? "handshake_timeout" : null;
      }
      if (inFlight.get() > 0) {
        return null;
      }
      if (draining) {
        // An answer given while draining carries Connection: close, so Pekko closes its
        // connection. A connection idle when the drain began is closed once it has been quiet a
        // moment: a client that was about to reuse it sends within that time and gets its 503
        // (closing it at once cut requests already on their way). A request partly received is
        // waited for longer.
        long quietSince = Math.max(lastByteIn, drainStartedAt);
        boolean pending = lastByteIn - Math.max(handshakeAt, lastRequestEnd) > 0;
        long allowed = pending ? DRAIN_STALLED_NANOS : DRAIN_IDLE_NANOS;
        return now - quietSince > allowed ? "drained" : null;
      }
      if (!sawRequest) {
        return now - handshakeAt > limits.firstRequestTimeout().toNanos()
            ? "first_request_timeout"
            : null;
      }
      return now - lastRequestEnd > limits.idleTimeout().toNanos() ? "idle" : null;
    }

    void close(String reason) {
      closeReason = reason;
      UniqueKillSwitch k = kill;
      if (k != null) {
        k.shutdown();
      }
    }
  }

  /** For log lines. */
  @Override
  public String toString() {
    return "GatewayServer[" + total.get() + " connections, draining=" + draining + "]";
  }
}
