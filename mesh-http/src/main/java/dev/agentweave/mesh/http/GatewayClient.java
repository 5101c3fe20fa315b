package dev.agentweave.mesh.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.MeshSettings.ConnectionPoolSettings;
import dev.agentweave.mesh.config.MeshSettings.RetrySettings;
import dev.agentweave.mesh.identity.IdentitySources;
import dev.agentweave.mesh.identity.SpiffeTls;
import dev.agentweave.mesh.internal.RateLimitedLog;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.RemoteRoute;
import dev.agentweave.mesh.spi.RemoteTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled mutual-TLS client through which a node calls agents on other nodes: the node's {@link
 * RemoteTransport}. The node resolves where an agent runs ({@code transport.peers}, the cluster's
 * directory) and hands the client a {@link RemoteRoute}; each call goes to the internal call
 * endpoint of a gateway ({@code POST /_agentweave/call}) over a Pekko HTTP host connection pool.
 * Pools are kept per (calling identity, gateway), since each calling agent presents its own SVID,
 * and follow {@code transport.connection_pool}; admission in front of each pool bounds requests in
 * flight and waiting, and provides the statistics Pekko HTTP does not have ({@link #poolStats()},
 * gauges {@code connection_pool.*}). Calls are retried with exponential backoff and full jitter
 * ({@code transport.retry}) only when the other node did not process them, and each gateway has a
 * circuit breaker ({@code transport.circuit_breaker}). Thread-safe.
 */
public final class GatewayClient implements RemoteTransport {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.transport");

  /** Statistics of connection pools. */
  public record PoolStats(
      int active, int idle, int total, int maxConnections, double utilization, int waiting) {}

  private record PoolKey(SpiffeId caller, URI gateway) {}

  private final class Pool {
    final PoolKey key;
    final PoolGate gate;
    final HttpsConnectionContext https;
    final org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings settings;

    Pool(PoolKey key) {
      this.key = key;
      destinationGauges(key.gateway());
      this.gate = new PoolGate(pool.maxConnections(), pool.maxWaitingRequests());
      SpiffeTls tls = tls();
      SSLContext context = tls.clientContext(key.caller(), id -> true);
      // Engines without a peer address: a session is never resumed with an identity that rotated.
      this.https =
          ConnectionContext.httpsClient(
              (host, port) -> tls.configureClient(context.createSSLEngine()));
      ClientTransport counting = countingTransport(gate, opened);
      this.settings =
          baseSettings
              .withMaxConnections(pool.maxConnections())
              .withMaxOpenRequests(powerOfTwoAtLeast(pool.maxConnections() + 1))
              .withTransport(counting);
    }
  }

  private final NodeContext node;
  private final ActorSystem system;
  private final Http http;
  private final RateLimitedLog refusedGateways = new RateLimitedLog(LOG, Duration.ofSeconds(1));
  private volatile SpiffeTls tls;
  private final ConnectionPoolSettings pool;
  private final RetrySettings retry;
  private final MeshSettings.CircuitBreakerSettings breakerSettings;
  private final org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings baseSettings;
  private final Duration subscriptionTimeout;
  private final Map<PoolKey, Pool> pools = new ConcurrentHashMap<>();
  private final Map<URI, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  /** "target action" of capabilities their nodes declared idempotent, learned from answers. */
  private final java.util.Set<String> idempotent = ConcurrentHashMap.newKeySet();

  private final RateLimitedLog nearCapacity = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final ObjectMapper json = new ObjectMapper();
  private final io.micrometer.core.instrument.Counter retries;
  private final io.micrometer.core.instrument.Counter opened;

  private GatewayClient(NodeContext node) {
    this.node = node;
    this.system = node.actorSystem().classicSystem();
    this.http = Http.get(system);
    MeshSettings settings = node.settings();
    this.pool = settings.transport().connectionPool();
    this.retry = settings.transport().retry();
    this.breakerSettings = settings.transport().circuitBreaker();
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system).withConnectingTimeout(pool.connectTimeout());
    this.baseSettings =
        org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings.create(system)
            .withConnectionSettings(connection)
            .withMinConnections(0)
            .withMaxRetries(0) // retries are this client's decision
            .withKeepAliveTimeout(pool.idleTimeout())
            .withMaxConnectionLifetime(pool.maxKeepalive())
            .withResponseEntitySubscriptionTimeout(settings.transport().timeout());
    this.subscriptionTimeout = settings.transport().timeout();
    var metrics = node.metrics();
    this.retries =
        metrics.counter(
            "transport.retries",
            "Remote calls sent again after a failure that left them unprocessed");
    this.opened =
        metrics.counter("connection_pool.connections.opened", "Pooled connections opened");
    metrics.gauge(
        "connection_pool.active",
        "Requests using a pooled connection now",
        () -> poolStats().active());
    metrics.gauge(
        "connection_pool.idle", "Open pooled connections not in use", () -> poolStats().idle());
    metrics.gauge("connection_pool.total", "Open pooled connections", () -> poolStats().total());
    metrics.gauge(
        "connection_pool.max_connections",
        "Connections the pools may open",
        () -> poolStats().maxConnections());
    metrics.gauge(
        "connection_pool.utilization",
        "Requests in flight over the connections the pools may open",
        () -> poolStats().utilization());
    metrics.gauge(
        "connection_pool.waiting",
        "Requests waiting for a pooled connection",
        () -> poolStats().waiting());
  }

  /**
   * Creates the client of a node and makes it the node's {@link RemoteTransport}: from now on an
   * {@code AgentRef} to an agent in {@code transport.peers} calls it through this client.
   *
   * @param node the running node (its identity source holds the SVIDs of its agents)
   * @return the client
   */
  static GatewayClient start(NodeContext node) {
    requireNonNull(node, "node");
    GatewayClient client = new GatewayClient(node);
    node.useRemoteTransport(client);
    // Pools close with the node, after its calls drained, before its actor system stops.
    org.apache.pekko.actor.CoordinatedShutdown.get(node.actorSystem())
        .addTask(
            org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceStop(),
            "agentweave-transport-pools",
            () ->
                client
                    .http
                    .shutdownAllConnectionPools()
                    .thenApply(x -> org.apache.pekko.Done.getInstance()));
    LOG.info(
        "{} reaches {} agents on other nodes through pooled mutual-TLS connections",
        node.settings().agent().name(),
        node.settings().transport().peers().size());
    return client;
  }

  /**
   * The TLS of the calling agents' SVIDs, made when the first pool opens: a node that never calls
   * another node never needs its identity source.
   */
  private SpiffeTls tls() {
    SpiffeTls t = tls;
    if (t != null) {
      return t;
    }
    synchronized (this) {
      if (tls == null) {
        tls =
            IdentitySources.tls(
                node.identities(),
                node.settings(),
                reason -> refusedGateways.warn("refused a gateway: {}", reason));
      }
      return tls;
    }
  }

  // ---- RemoteTransport --------------------------------------------------------------------------

  @Override
  public CompletionStage<byte[]> ask(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      Duration timeout,
      String requestId) {
    return send(route, caller, action, request, timeout, requestId, false);
  }

  @Override
  public CompletionStage<Void> tell(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      Duration timeout,
      String requestId) {
    return send(route, caller, action, request, timeout, requestId, true).thenApply(r -> null);
  }

  // ---- statistics -------------------------------------------------------------------------------

  /**
   * Statistics of all pools together (the performance guide's {@code transport.get_pool_stats()}).
   *
   * @return active, idle and total connections, the most connections allowed, utilization (active
   *     over the most allowed) and requests waiting
   */
  public PoolStats poolStats() {
    return sum(pools.values());
  }

  /**
   * Statistics per gateway (all calling identities together).
   *
   * @return by gateway base URL
   */
  public Map<URI, PoolStats> poolStatsByDestination() {
    Map<URI, List<Pool>> by = new LinkedHashMap<>();
    for (Pool p : pools.values()) {
      by.computeIfAbsent(p.key.gateway(), k -> new ArrayList<>()).add(p);
    }
    Map<URI, PoolStats> out = new LinkedHashMap<>();
    by.forEach((uri, list) -> out.put(uri, sum(list)));
    return out;
  }

  private final java.util.Set<URI> gaugedDestinations = ConcurrentHashMap.newKeySet();

  /** Per-gateway gauges ({@code connection_pool.destination.*}, tag {@code destination}). */
  private void destinationGauges(URI gateway) {
    if (!gaugedDestinations.add(gateway)) {
      return;
    }
    var metrics = node.metrics();
    String d = gateway.toString();
    java.util.function.Supplier<PoolStats> of =
        () -> {
          List<Pool> list = new ArrayList<>();
          for (Pool p : pools.values()) {
            if (p.key.gateway().equals(gateway)) {
              list.add(p);
            }
          }
          return sum(list);
        };
    metrics.gauge(
        "connection_pool.destination.active",
        "Requests using a pooled connection to one gateway",
        () -> of.get().active(),
        "destination",
        d);
    metrics.gauge(
        "connection_pool.destination.idle",
        "Open pooled connections to one gateway not in use",
        () -> of.get().idle(),
        "destination",
        d);
    metrics.gauge(
        "connection_pool.destination.total",
        "Open pooled connections to one gateway",
        () -> of.get().total(),
        "destination",
        d);
    metrics.gauge(
        "connection_pool.destination.max_connections",
        "Connections the pools to one gateway may open",
        () -> of.get().maxConnections(),
        "destination",
        d);
    metrics.gauge(
        "connection_pool.destination.utilization",
        "Requests in flight to one gateway over the connections its pools may open",
        () -> of.get().utilization(),
        "destination",
        d);
    metrics.gauge(
        "connection_pool.destination.waiting",
        "Requests waiting for a pooled connection to one gateway",
        () -> of.get().waiting(),
        "destination",
        d);
  }

  private static PoolStats sum(Iterable<Pool> list) {
    int active = 0;
    int open = 0;
    int max = 0;
    int waiting = 0;
    for (Pool p : list) {
      active += p.gate.active();
      open += p.gate.open();
      max += p.gate.maxConnections();
      waiting += p.gate.waiting();
    }
    int total = Math.max(open, 0);
    int idle = Math.max(0, total - active);
    double utilization = max == 0 ? 0.0 : (double) active / max;
    return new PoolStats(active, idle, total, max, utilization, waiting);
  }

  /** Remote calls sent again after a failure that left them unprocessed, since start. */
  public long retries() {
    return (long) retries.count();
  }

  /** Pooled connections opened since start (a connection that reached its lifetime is replaced). */
  public long connectionsOpened() {
    return (long) opened.count();
  }

  // ---- sending ----------------------------------------------------------------------------------

  /** One remote call across its attempts. */
  private record Call(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      long deadline,
      String requestId,
      boolean tell,
      CompletableFuture<byte[]> result) {
    SpiffeId target() {
      return route.target();
    }
  }

  private CompletionStage<byte[]> send(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      byte[] request,
      Duration timeout,
      String requestId,
      boolean tell) {
    Call call =
        new Call(
            route,
            caller,
            action,
            request,
            System.nanoTime() + timeout.toNanos(),
            requestId,
            tell,
            new CompletableFuture<>());
    attempt(call, route.gateways(), 1);
    return call.result();
  }

  private CircuitBreaker breaker(URI gateway) {
    return breakers.computeIfAbsent(
        gateway, g -> new CircuitBreaker(breakerSettings, System::nanoTime));
  }

  private static UnavailableException breakerOpen(URI gateway, SpiffeId target) {
    return new UnavailableException(
        "circuit breaker to "
            + gateway
            + " is open after repeated failures; not calling "
            + target);
  }

  /** Tells a breaker what a failed call says about its gateway. */
  private static void failedThrough(CircuitBreaker breaker, Throwable cause) {
    if (countsAgainst(cause)) {
      breaker.failed();
    } else {
      breaker.released();
    }
  }

  private void attempt(Call call, List<URI> gateways, int attempt) {
    if (call.deadline() - System.nanoTime() <= 0) {
      call.result()
          .completeExceptionally(
              new DeadlineExceededException(
                  "'"
                      + call.action()
                      + "' on "
                      + call.target()
                      + " had no time left for attempt "
                      + attempt));
      return;
    }
    URI gateway = choose(call.caller(), gateways);
    CircuitBreaker breaker = breaker(gateway);
    if (!breaker.tryAcquire()) {
      retryOrFail(call, breakerOpen(gateway, call.target()), gateway, gateways, attempt);
      return;
    }
    Pool p = pools.computeIfAbsent(new PoolKey(call.caller(), gateway), Pool::new);
    admit(p, call.deadline())
        .thenCompose(ok -> exchange(p, call).whenComplete((a, e) -> p.gate.release()))
        .whenComplete(
            (answer, error) -> {
              Throwable cause = unwrap(error);
              if (cause == null) {
                breaker.succeeded();
                call.result().complete(answer);
                return;
              }
              failedThrough(breaker, cause);
              retryOrFail(call, cause, gateway, gateways, attempt);
            });
  }

  /**
   * Picks the gateway with the fewest requests in flight from this caller, skipping open breakers.
   */
  private URI choose(SpiffeId caller, List<URI> gateways) {
    if (gateways.size() == 1) {
      return gateways.get(0);
    }
    URI best = null;
    int bestLoad = Integer.MAX_VALUE;
    int start = ThreadLocalRandom.current().nextInt(gateways.size());
    for (int i = 0; i < gateways.size(); i++) {
      URI g = gateways.get((start + i) % gateways.size());
      CircuitBreaker b = breakers.get(g);
      if (b != null && b.state() == CircuitBreaker.State.OPEN) {
        continue;
      }
      Pool p = pools.get(new PoolKey(caller, g));
      int load = p == null ? 0 : p.gate.active() + p.gate.waiting();
      if (load < bestLoad) {
        best = g;
        bestLoad = load;
      }
    }
    return best != null ? best : gateways.get(start);
  }

  private static boolean countsAgainst(Throwable cause) {
    return cause instanceof NotProcessed
        || cause instanceof MaybeProcessed
        || cause instanceof InternalErrorException
        || cause instanceof UnavailableException;
  }

  /** The error a caller sees for a failure below HTTP or from the other node. */
  private static MeshException failureOf(Throwable cause) {
    if (cause instanceof NotProcessed n) {
      return n.asUnavailable();
    }
    if (cause instanceof MaybeProcessed m) {
      return m.failure;
    }
    return asMesh(cause);
  }

  private void retryOrFail(
      Call call, Throwable cause, URI failedAt, List<URI> gateways, int attempt) {
    boolean safe =
        cause instanceof NotProcessed
            || cause instanceof OverloadedException
            || cause instanceof UnavailableException
            || ((cause instanceof MaybeProcessed || cause instanceof InternalErrorException)
                && idempotent.contains(call.target() + " " + call.action()));
    MeshException failure = failureOf(cause);
    long backoff = backoffNanos(attempt);
    if (!safe || attempt >= retry.maxAttempts() || System.nanoTime() + backoff >= call.deadline()) {
      call.result().completeExceptionally(failure);
      return;
    }
    retries.increment();
    LOG.debug(
        "retrying '{}' on {} (attempt {}): {}",
        call.action(),
        call.target(),
        attempt + 1,
        failure.getMessage());
    // Another node when there is one: look the agent up again (a node that became unreachable has
    // left the directory) and leave out the gateway that just failed.
    List<URI> candidates = call.route().refreshed();
    List<URI> others = new ArrayList<>(candidates);
    others.remove(failedAt);
    List<URI> next = others.isEmpty() ? candidates : others;
    CompletableFuture.delayedExecutor(backoff, TimeUnit.NANOSECONDS)
        .execute(() -> attempt(call, next, attempt + 1));
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
  private long backoffNanos(int attempt) {
    long base = retry.backoffBase().toNanos();
    long cap = retry.backoffMax().toNanos();
    long exp = attempt >= 62 ? cap : Math.min(cap, base << Math.min(attempt - 1, 30));
    if (!retry.jitter().equals("full")) {
      return exp;
    }
    return ThreadLocalRandom.current().nextLong(exp + 1);
  }

  /** Completes when the pool grants a slot; fails as overloaded when it cannot in time. */
  private CompletableFuture<Void> admit(Pool p, long deadline) {
    CompletableFuture<Void> slot = p.gate.acquire();
    if (slot == null) {
      return CompletableFuture.failedFuture(
          new OverloadedException(
              p.gate.waiting()
                  + " requests already wait for a connection to "
                  + p.key.gateway()
                  + " (transport.connection_pool.max_waiting_requests)",
              Duration.ofSeconds(1)));
    }
    warnIfNearCapacity(p);
    if (slot.isDone()) {
      return slot;
    }
    long waitNanos =
        Math.max(1, Math.min(pool.waitTimeout().toNanos(), deadline - System.nanoTime()));
    return slot.copy()
        .orTimeout(waitNanos, TimeUnit.NANOSECONDS)
        .handle(
            (ok, waitError) -> {
              if (waitError != null && p.gate.abandon(slot)) {
                throw new CompletionException(
                    new OverloadedException(
                        "no connection to "
                            + p.key.gateway()
                            + " became free within "
                            + Duration.ofNanos(waitNanos)
                            + " (transport.connection_pool.wait_timeout_seconds)",
                        Duration.ofSeconds(1)));
              }
              return null; // granted (possibly just as the wait ended)
            });
  }

  /** The internal call's request, everything but the body. */
  private static HttpRequest callRequest(
      Pool p, SpiffeId target, String action, long leftMillis, String requestId) {
    return HttpRequest.POST(p.key.gateway() + GatewayRoutes.CALL_PATH)
        .addHeader(RawHeader.create(GatewayRoutes.TARGET_HEADER, target.toString()))
        .addHeader(RawHeader.create(GatewayRoutes.ACTION_HEADER, action))
        .addHeader(RawHeader.create(GatewayRoutes.TIMEOUT_HEADER, Long.toString(leftMillis)))
        .addHeader(RawHeader.create(GatewayRoutes.REQUEST_ID_HEADER, requestId));
  }

  // ---- streaming --------------------------------------------------------------------------------

  @Override
  public CompletionStage<Source<ByteString, ?>> stream(
      RemoteRoute route,
      SpiffeId caller,
      String action,
      Source<ByteString, ?> request,
      Duration timeout,
      String requestId) {
    SpiffeId target = route.target();
    List<URI> gateways = route.gateways();
    long deadline = System.nanoTime() + timeout.toNanos();
    URI gateway = choose(caller, gateways);
    CircuitBreaker breaker = breaker(gateway);
    if (!breaker.tryAcquire()) {
      return CompletableFuture.failedFuture(breakerOpen(gateway, target));
    }
    Pool p = pools.computeIfAbsent(new PoolKey(caller, gateway), Pool::new);
    CompletableFuture<Source<ByteString, ?>> result = new CompletableFuture<>();
    admit(p, deadline)
        .whenComplete(
            (ok, refused) -> {
              if (refused != null) {
                breaker.released();
                result.completeExceptionally(unwrap(refused));
                return;
              }
              exchangeStream(p, breaker, target, action, request, deadline, requestId, result);
            });
    return result;
  }

  private void exchangeStream(
      Pool p,
      CircuitBreaker breaker,
      SpiffeId target,
      String action,
      Source<ByteString, ?> request,
      long deadline,
      String requestId,
      CompletableFuture<Source<ByteString, ?>> result) {
    long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    HttpRequest req =
        callRequest(p, target, action, leftMillis, requestId)
            .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, request));
    java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            p.gate.release();
          }
        };
    Materializer mat = Materializer.matFromSystem(system);
    http.singleRequest(req, p.https, p.settings, system.log())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                release.run();
                breaker.failed();
                result.completeExceptionally(failureOf(classify(p.key.gateway(), unwrap(error))));
                return;
              }
              if (response.status().intValue() != 200) {
                response
                    .entity()
                    .toStrict(leftMillis, mat)
                    .whenComplete(
                        (strict, readError) -> {
                          release.run();
                          try {
                            decode(
                                response,
                                readError == null ? strict.getData() : ByteString.emptyByteString(),
                                p.key.gateway(),
                                requestId);
                            breaker.released();
                            result.completeExceptionally(
                                new InternalErrorException("unexpected answer to a stream call"));
                          } catch (RuntimeException e) {
                            failedThrough(breaker, e);
                            result.completeExceptionally(e);
                          }
                        });
                return;
              }
              breaker.succeeded();
              java.util.concurrent.atomic.AtomicBoolean materialized =
                  new java.util.concurrent.atomic.AtomicBoolean();
              // The connection stays busy until the response stream ends; a stream nobody runs is
              // given up after the pool's subscription timeout.
              CompletableFuture.delayedExecutor(
                      subscriptionTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                  .execute(
                      () -> {
                        if (!materialized.get()) {
                          release.run();
                        }
                      });
              result.complete(
                  response
                      .entity()
                      .withoutSizeLimit()
                      .getDataBytes()
                      .watchTermination(
                          (m, done) -> {
                            materialized.set(true);
                            done.whenComplete((d, t) -> release.run());
                            return m;
                          }));
            });
  }

  private CompletionStage<byte[]> exchange(Pool p, Call call) {
    long leftMillis = TimeUnit.NANOSECONDS.toMillis(call.deadline() - System.nanoTime());
    if (leftMillis <= 0) {
      return CompletableFuture.failedFuture(
          new DeadlineExceededException(
              "'" + call.action() + "' on " + call.target() + " ran out of time"));
    }
    HttpRequest req =
        callRequest(p, call.target(), call.action(), leftMillis, call.requestId())
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, call.request()));
    if (call.tell()) {
      req = req.addHeader(RawHeader.create(GatewayRoutes.MODE_HEADER, "tell"));
    }
    Materializer mat = Materializer.matFromSystem(system);
    return http.singleRequest(req, p.https, p.settings, system.log())
        .toCompletableFuture()
        .orTimeout(leftMillis + 50, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof TimeoutException) {
                  return CompletableFuture.<byte[]>failedFuture(
                      new DeadlineExceededException(
                          "'"
                              + call.action()
                              + "' on "
                              + call.target()
                              + " did not answer in time (via "
                              + p.key.gateway()
                              + ")"));
                }
                return CompletableFuture.<byte[]>failedFuture(classify(p.key.gateway(), cause));
              }
              if (response.getHeader(GatewayRoutes.IDEMPOTENT_HEADER).isPresent()) {
                idempotent.add(call.target() + " " + call.action());
              }
              return response
                  .entity()
                  .toStrict(Math.max(1, leftMillis), mat)
                  .thenApply(
                      strict ->
                          decode(response, strict.getData(), p.key.gateway(), call.requestId()));
            })
        .thenCompose(x -> x);
  }

  private byte[] decode(HttpResponse response, ByteString body, URI gateway, String requestId) {
    int status = response.status().intValue();
    if (status == 200 || status == 202) {
      return body.toArray();
    }
    String code = "";
    String message = "HTTP " + status;
    try {
      JsonNode e = json.readTree(body.toArray()).get("error");
      if (e != null) {
        code = e.path("code").asText("");
        message = e.path("message").asText(message);
      }
    } catch (java.io.IOException | RuntimeException ignored) {
      // not our gateway's JSON: keep the status
    }
    String where = " (from " + gateway + ", request " + requestId + ")";
    String retryAfter = response.getHeader("Retry-After").map(h -> h.value()).orElse("1");
    ErrorCode known =
        code.equals("payload_too_large")
            ? ErrorCode.INVALID_REQUEST
            : ErrorCode.ofWireName(code).orElse(null);
    if (known == null || known == ErrorCode.INTERNAL) {
      throw new InternalErrorException(
          (known != null ? "the called node failed" : "unexpected answer " + message) + where);
    }
    // A handler's refusal keeps the handler's own words; every other failure says where it was.
    throw MeshException.of(
        known, known == ErrorCode.REJECTED ? message : message + where, seconds(retryAfter));
  }

  private static Duration seconds(String header) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private void warnIfNearCapacity(Pool p) {
    int max = p.gate.maxConnections();
    int active = p.gate.active();
    if (active >= max * pool.utilizationWarningThreshold()) {
      nearCapacity.warn(
          "connection pool near capacity: {}",
          p.key.gateway()
              + " for "
              + p.key.caller()
              + ": "
              + active
              + " of "
              + max
              + " connections active, "
              + p.gate.waiting()
              + " waiting");
    }
  }

  private static ClientTransport countingTransport(
      PoolGate gate, io.micrometer.core.instrument.Counter opened) {
    ClientTransport tcp = ClientTransport.TCP();
    return new ClientTransport() {
      @Override
      public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(
          String host, int port, ClientConnectionSettings settings, ActorSystem system) {
        return tcp.connectTo(host, port, settings, system)
            .watchTermination(
                (connected, terminated) -> {
                  connected.whenComplete(
                      (c, e) -> {
                        if (e == null) {
                          opened.increment();
                          gate.connectionOpened();
                          terminated.whenComplete((d, t) -> gate.connectionClosed());
                        }
                      });
                  return connected;
                });
      }
    };
  }

  private static int powerOfTwoAtLeast(int n) {
    int p = 1;
    while (p < n && p < (1 << 30)) {
      p <<= 1;
    }
    return p;
  }

  private static Throwable unwrap(Throwable error) {
    return dev.agentweave.mesh.internal.Failures.unwrap(error);
  }

  /**
   * A failure below HTTP: retryable only when the request cannot have reached the other node (the
   * connection or the TLS handshake failed).
   */
  private static RuntimeException classify(URI gateway, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof java.net.ConnectException
          || t instanceof javax.net.ssl.SSLHandshakeException
          || m.contains("Connection refused")
          || m.contains("Tcp command [Connect(")) {
        return new NotProcessed(gateway, cause);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return new MaybeProcessed(
        new UnavailableException(
            "the connection to "
                + gateway
                + " failed after the request may have been sent ("
                + cause.getClass().getSimpleName()
                + "); not retried"));
  }

  /** The connection failed after the request may have reached the other node: never retried. */
  private static final class MaybeProcessed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final UnavailableException failure;

    MaybeProcessed(UnavailableException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private static MeshException asMesh(Throwable cause) {
    if (cause instanceof MeshException m) {
      return m;
    }
    return new InternalErrorException("remote call failed: " + cause.getClass().getSimpleName());
  }

  /** The request did not reach the other node's capability (no connection, TLS refused). */
  private static final class NotProcessed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final URI gateway;

    NotProcessed(URI gateway, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.gateway = gateway;
    }

    UnavailableException asUnavailable() {
      return new UnavailableException(
          "cannot reach "
              + gateway
              + " ("
              + getCause().getClass().getSimpleName()
              + ": "
              + getCause().getMessage()
              + ")");
    }
  }

  @Override
  public String toString() {
    return "GatewayClient[" + node.settings().agent().name() + ", " + pools.size() + " pools]";
  }
}
