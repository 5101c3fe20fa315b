package dev.agentweave.mesh.http;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.config.PooledClientSettings;
import dev.agentweave.mesh.http.internal.ConnectionPools;
import dev.agentweave.mesh.http.internal.Resilience;
import dev.agentweave.mesh.http.internal.WireProtocol;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.RemoteRoute;
import dev.agentweave.mesh.spi.RemoteTransport;
import dev.agentweave.mesh.support.Completions;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled mutual-TLS client through which a node calls agents on other nodes: the node's {@link
 * RemoteTransport}, installed by {@link GatewayExtension}. The node resolves where an agent runs
 * ({@code transport.peers}, the cluster's directory) and hands the client a {@link RemoteRoute};
 * each call goes to the internal call endpoint of a gateway over a Pekko HTTP host connection pool.
 * Pools are kept per (calling identity, gateway), since each calling agent presents its own SVID,
 * and follow {@code transport.connection_pool}; admission in front of each pool bounds requests in
 * flight and waiting, and provides the statistics Pekko HTTP does not have ({@link #poolStats()},
 * gauges {@code connection_pool.*}). Calls are retried with exponential backoff and full jitter
 * ({@code transport.retry}) only when the other node did not process them, and each gateway has a
 * circuit breaker ({@code transport.circuit_breaker}). Thread-safe.
 */
public final class GatewayClient implements RemoteTransport {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.transport");

  /**
   * Statistics of connection pools.
   *
   * @param active requests using a pooled connection now
   * @param idle open pooled connections not in use
   * @param total open pooled connections
   * @param maxConnections the most connections the pools may open
   * @param utilization active over the most allowed
   * @param waiting requests waiting for a connection
   */
  public record PoolStats(
      int active, int idle, int total, int maxConnections, double utilization, int waiting) {}

  private final NodeContext node;
  private final ActorSystem system;
  private final Http http;
  private final ConnectionPools pools;
  private final Resilience resilience;
  private final Duration subscriptionTimeout;
  private final Counter retries;

  private GatewayClient(NodeContext node) {
    this.node = node;
    this.system = node.actorSystem().classicSystem();
    this.http = Http.get(system);
    this.pools = new ConnectionPools(node);
    this.resilience =
        new Resilience(
            node.settings().section(PooledClientSettings.class).retry(),
            node.settings().transport().circuitBreaker());
    this.subscriptionTimeout = node.settings().transport().timeout();
    this.retries =
        node.metrics()
            .counter(
                "transport.retries",
                "Remote calls sent again after a failure that left them unprocessed");
    pools.bindTo(node.metrics().registry());
  }

  /**
   * Creates the client of a node and makes it the node's {@link RemoteTransport}: from now on an
   * {@code AgentRef} to an agent of another node calls it through this client.
   *
   * @param node the running node (its identity source holds the SVIDs of its agents)
   * @return the client
   */
  static GatewayClient start(NodeContext node) {
    requireNonNull(node, "node");
    GatewayClient client = new GatewayClient(node);
    node.useRemoteTransport(client);
    // Pools close with the node, after its calls drained, before its actor system stops.
    CoordinatedShutdown.get(node.actorSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "agentweave-transport-pools",
            () -> client.http.shutdownAllConnectionPools().thenApply(x -> Done.getInstance()));
    LOG.info(
        "{} reaches {} agents on other nodes through pooled mutual-TLS connections",
        node.settings().agent().name(),
        node.settings().transport().peers().size());
    return client;
  }

  // ---- statistics -------------------------------------------------------------------------------

  /**
   * Statistics of all pools together (the performance guide's {@code transport.get_pool_stats()}).
   *
   * @return active, idle and total connections, the most connections allowed, utilization (active
   *     over the most allowed) and requests waiting
   */
  public PoolStats poolStats() {
    return of(pools.stats());
  }

  /**
   * Statistics per gateway (all calling identities together).
   *
   * @return by gateway base URL
   */
  public Map<URI, PoolStats> poolStatsByDestination() {
    Map<URI, PoolStats> out = new LinkedHashMap<>();
    pools.statsByDestination().forEach((uri, s) -> out.put(uri, of(s)));
    return out;
  }

  private static PoolStats of(ConnectionPools.Stats s) {
    return new PoolStats(
        s.active(), s.idle(), s.total(), s.maxConnections(), s.utilization(), s.waiting());
  }

  /** Remote calls sent again after a failure that left them unprocessed, since start. */
  public long retries() {
    return (long) retries.count();
  }

  /** Pooled connections opened since start (a connection that reached its lifetime is replaced). */
  public long connectionsOpened() {
    return pools.connectionsOpened();
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
    URI gateway = resilience.choose(call.caller(), gateways, pools::load);
    if (!resilience.tryAcquire(gateway)) {
      retryOrFail(call, Resilience.breakerOpen(gateway, call.target()), gateway, attempt);
      return;
    }
    ConnectionPools.Pool p = pools.pool(call.caller(), gateway);
    p.admit(call.deadline())
        .thenCompose(ok -> exchange(p, call).whenComplete((a, e) -> p.release()))
        .whenComplete(
            (answer, error) -> {
              if (error == null) {
                resilience.succeeded(gateway);
                call.result().complete(answer);
                return;
              }
              Throwable cause = Completions.unwrap(error);
              resilience.failed(gateway, cause);
              retryOrFail(call, cause, gateway, attempt);
            });
  }

  private void retryOrFail(Call call, Throwable cause, URI failedAt, int attempt) {
    MeshException failure = Resilience.failureOf(cause);
    long backoff = resilience.backoffNanos(attempt);
    if (!resilience.retryable(cause, call.target(), call.action(), attempt)
        || System.nanoTime() + backoff >= call.deadline()) {
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

  private CompletionStage<byte[]> exchange(ConnectionPools.Pool p, Call call) {
    long leftMillis = TimeUnit.NANOSECONDS.toMillis(call.deadline() - System.nanoTime());
    if (leftMillis <= 0) {
      return CompletableFuture.failedFuture(
          new DeadlineExceededException(
              "'" + call.action() + "' on " + call.target() + " ran out of time"));
    }
    HttpRequest req =
        WireProtocol.callRequest(
                p.callUri(),
                call.target(),
                call.action(),
                leftMillis,
                call.requestId(),
                call.tell())
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, call.request()));
    Materializer mat = Materializer.matFromSystem(system);
    return http.singleRequest(req, p.https(), p.settings(), system.log())
        .toCompletableFuture()
        .orTimeout(leftMillis + 50, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause = Completions.unwrap(error);
                if (cause instanceof TimeoutException) {
                  return CompletableFuture.<byte[]>failedFuture(
                      new DeadlineExceededException(
                          "'"
                              + call.action()
                              + "' on "
                              + call.target()
                              + " did not answer in time (via "
                              + p.gateway()
                              + ")"));
                }
                return CompletableFuture.<byte[]>failedFuture(
                    Resilience.classify(p.gateway(), cause));
              }
              if (response.getHeader(WireProtocol.IDEMPOTENT_HEADER).isPresent()) {
                resilience.learnedIdempotent(call.target(), call.action());
              }
              return response
                  .entity()
                  .toStrict(Math.max(1, leftMillis), mat)
                  .thenApply(strict -> answer(response, strict.getData(), p, call.requestId()));
            })
        .thenCompose(x -> x);
  }

  /** The answer's body, or the failure it reports. */
  private static byte[] answer(
      HttpResponse response, ByteString body, ConnectionPools.Pool p, String requestId) {
    int status = response.status().intValue();
    if (status == 200 || status == 202) {
      return body.toArray();
    }
    Optional<String> retryAfter =
        response.getHeader(WireProtocol.RETRY_AFTER_HEADER).map(h -> h.value());
    throw WireProtocol.failure(
        status,
        body.toArray(),
        retryAfter,
        " (from " + p.gateway() + ", request " + requestId + ")");
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
    long deadline = System.nanoTime() + timeout.toNanos();
    URI gateway = resilience.choose(caller, route.gateways(), pools::load);
    if (!resilience.tryAcquire(gateway)) {
      return CompletableFuture.failedFuture(Resilience.breakerOpen(gateway, target));
    }
    ConnectionPools.Pool p = pools.pool(caller, gateway);
    CompletableFuture<Source<ByteString, ?>> result = new CompletableFuture<>();
    p.admit(deadline)
        .whenComplete(
            (ok, refused) -> {
              if (refused != null) {
                resilience.released(gateway);
                result.completeExceptionally(Completions.unwrap(refused));
                return;
              }
              exchangeStream(p, target, action, request, deadline, requestId, result);
            });
    return result;
  }

  private void exchangeStream(
      ConnectionPools.Pool p,
      SpiffeId target,
      String action,
      Source<ByteString, ?> request,
      long deadline,
      String requestId,
      CompletableFuture<Source<ByteString, ?>> result) {
    long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    HttpRequest req =
        WireProtocol.callRequest(p.callUri(), target, action, leftMillis, requestId, false)
            .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, request));
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            p.release();
          }
        };
    URI gateway = p.gateway();
    Materializer mat = Materializer.matFromSystem(system);
    http.singleRequest(req, p.https(), p.settings(), system.log())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                release.run();
                RuntimeException cause = Resilience.classify(gateway, error);
                resilience.failed(gateway, cause);
                result.completeExceptionally(Resilience.failureOf(cause));
                return;
              }
              if (response.status().intValue() != 200) {
                response
                    .entity()
                    .toStrict(leftMillis, mat)
                    .whenComplete(
                        (strict, readError) -> {
                          release.run();
                          ByteString body =
                              readError == null ? strict.getData() : ByteString.emptyByteString();
                          try {
                            answer(response, body, p, requestId);
                            resilience.released(gateway);
                            result.completeExceptionally(
                                new InternalErrorException("unexpected answer to a stream call"));
                          } catch (RuntimeException e) {
                            resilience.failed(gateway, e);
                            result.completeExceptionally(e);
                          }
                        });
                return;
              }
              resilience.succeeded(gateway);
              AtomicBoolean materialized = new AtomicBoolean();
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

  @Override
  public String toString() {
    return "GatewayClient[" + node.settings().agent().name() + ", " + pools.size() + " pools]";
  }
}
