package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings.ConnectionPoolSettings;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled client's connection pools: one Pekko HTTP host connection pool per (calling identity,
 * gateway), since each calling agent presents its own SVID, shaped by {@code
 * transport.connection_pool}, each behind a {@link PoolGate} that bounds the requests in flight and
 * waiting and counts open connections. Its statistics, which Pekko HTTP does not keep, are
 * Micrometer gauges ({@code connection_pool.*} and, per gateway, {@code
 * connection_pool.destination.*}) bound through {@link MeterBinder}. The TLS of the calling agents
 * is made when the first pool opens: a node that never calls another node never needs its identity
 * source. Thread-safe.
 */
public final class ConnectionPools implements MeterBinder {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.transport");

  /**
   * Statistics of some pools together.
   *
   * @param active requests using a connection now
   * @param idle open connections not in use
   * @param total open connections
   * @param maxConnections the most connections the pools may open
   * @param utilization active over the most allowed
   * @param waiting requests waiting for a connection
   */
  public record Stats(
      int active, int idle, int total, int maxConnections, double utilization, int waiting) {}

  private record Key(SpiffeId caller, URI gateway) {}

  /** One pool: its admission, its TLS and its Pekko settings. */
  public final class Pool {
    private final Key key;
    private final PoolGate gate;
    private final HttpsConnectionContext https;
    private final org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings poolSettings;
    private final Uri callUri;

    private Pool(Key key) {
      this.key = key;
      this.callUri = WireProtocol.callUri(key.gateway());
      this.gate = new PoolGate(settings.maxConnections(), settings.maxWaitingRequests());
      SpiffeTls tls = tls();
      SSLContext context = tls.clientContext(key.caller(), id -> true);
      // Engines without a peer address: a session is never resumed with an identity that rotated.
      this.https =
          ConnectionContext.httpsClient(
              (host, port) -> tls.configureClient(context.createSSLEngine()));
      this.poolSettings =
          base.withMaxConnections(settings.maxConnections())
              .withMaxOpenRequests(powerOfTwoAtLeast(settings.maxConnections() + 1))
              .withTransport(countingTransport(gate, opened));
    }

    /** The gateway this pool connects to. */
    public URI gateway() {
      return key.gateway();
    }

    /** The gateway's internal call endpoint, parsed once. */
    public Uri callUri() {
      return callUri;
    }

    /** The TLS of the calling identity. */
    public HttpsConnectionContext https() {
      return https;
    }

    /** Pekko's settings of this pool. */
    public org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings settings() {
      return poolSettings;
    }

    /**
     * Completes when the pool grants a slot; fails as overloaded when its queue is full, or when no
     * connection became free within {@code transport.connection_pool.wait_timeout_seconds} or the
     * call's deadline.
     *
     * @param deadline the call's deadline, in {@link System#nanoTime()}
     * @return the grant; {@link #release()} once after it
     */
    public CompletableFuture<Void> admit(long deadline) {
      CompletableFuture<Void> slot = gate.acquire();
      if (slot == null) {
        return CompletableFuture.failedFuture(
            new OverloadedException(
                gate.waiting()
                    + " requests already wait for a connection to "
                    + key.gateway()
                    + " (transport.connection_pool.max_waiting_requests)",
                Duration.ofSeconds(1)));
      }
      warnIfNearCapacity(this);
      if (slot.isDone()) {
        return slot;
      }
      long waitNanos =
          Math.max(1, Math.min(settings.waitTimeout().toNanos(), deadline - System.nanoTime()));
      return slot.copy()
          .orTimeout(waitNanos, TimeUnit.NANOSECONDS)
          .handle(
              (ok, waitError) -> {
                if (waitError != null && gate.abandon(slot)) {
                  throw new CompletionException(
                      new OverloadedException(
                          "no connection to "
                              + key.gateway()
                              + " became free within "
                              + Duration.ofNanos(waitNanos)
                              + " (transport.connection_pool.wait_timeout_seconds)",
                          Duration.ofSeconds(1)));
                }
                return null; // granted (possibly just as the wait ended)
              });
    }

    /** Gives back the slot of an admitted request. */
    public void release() {
      gate.release();
    }

    /** Requests in flight and waiting: what the gateway choice balances. */
    public int load() {
      return gate.active() + gate.waiting();
    }
  }

  private final NodeContext node;
  private final ConnectionPoolSettings settings;
  private final org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings base;
  private final Map<Key, Pool> pools = new ConcurrentHashMap<>();
  private final Set<URI> gauged = ConcurrentHashMap.newKeySet();
  private final RateLimitedLog refusedGateways = new RateLimitedLog(LOG, Duration.ofSeconds(1));
  private final RateLimitedLog nearCapacity = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final Counter opened;
  private volatile MeterRegistry registry;
  private volatile SpiffeTls tls;

  /**
   * Creates the pools of a node; none is open until a call needs it.
   *
   * @param node the node (its identity source holds the calling agents' SVIDs)
   */
  public ConnectionPools(NodeContext node) {
    this.node = node;
    MeshSettings all = node.settings();
    this.settings = all.section(PooledClientSettings.class).connectionPool();
    ActorSystem system = node.actorSystem().classicSystem();
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system).withConnectingTimeout(settings.connectTimeout());
    this.base =
        org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings.create(system)
            .withConnectionSettings(connection)
            .withMinConnections(0)
            .withMaxRetries(0) // retries are the client's decision
            .withKeepAliveTimeout(settings.idleTimeout())
            .withMaxConnectionLifetime(settings.maxKeepalive())
            .withResponseEntitySubscriptionTimeout(all.transport().timeout());
    this.opened =
        node.metrics().counter("connection_pool.connections.opened", "Pooled connections opened");
  }

  /**
   * The pool of a calling identity to a gateway, opened when first needed.
   *
   * @param caller the calling agent
   * @param gateway the gateway
   * @return the pool
   */
  public Pool pool(SpiffeId caller, URI gateway) {
    Pool p = pools.get(new Key(caller, gateway));
    if (p != null) {
      return p;
    }
    p = pools.computeIfAbsent(new Key(caller, gateway), Pool::new);
    destinationGauges(gateway);
    return p;
  }

  /**
   * The requests in flight and waiting from a caller to a gateway.
   *
   * @param caller the calling agent
   * @param gateway the gateway
   * @return 0 when no pool is open
   */
  public int load(SpiffeId caller, URI gateway) {
    Pool p = pools.get(new Key(caller, gateway));
    return p == null ? 0 : p.load();
  }

  /** Pools open now. */
  public int size() {
    return pools.size();
  }

  /** Pooled connections opened since start. */
  public long connectionsOpened() {
    return (long) opened.count();
  }

  /** Statistics of all pools together. */
  public Stats stats() {
    return sum(pools.values());
  }

  /** Statistics per gateway, all calling identities together. */
  public Map<URI, Stats> statsByDestination() {
    Map<URI, List<Pool>> by = new LinkedHashMap<>();
    for (Pool p : pools.values()) {
      by.computeIfAbsent(p.gateway(), k -> new ArrayList<>()).add(p);
    }
    Map<URI, Stats> out = new LinkedHashMap<>();
    by.forEach((uri, list) -> out.put(uri, sum(list)));
    return out;
  }

  private Stats statsOf(URI gateway) {
    List<Pool> list = new ArrayList<>();
    for (Pool p : pools.values()) {
      if (p.gateway().equals(gateway)) {
        list.add(p);
      }
    }
    return sum(list);
  }

  /** The gauges of all pools together, and of each gateway a pool is opened to from now on. */
  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    gauges(registry, "connection_pool.", "", s -> stats(), List.of());
    for (URI gateway : gauged) {
      bindDestination(registry, gateway);
    }
  }

  private void destinationGauges(URI gateway) {
    MeterRegistry r = registry;
    if (gauged.add(gateway) && r != null) {
      bindDestination(r, gateway);
    }
  }

  private void bindDestination(MeterRegistry r, URI gateway) {
    gauges(
        r,
        "connection_pool.destination.",
        " to one gateway",
        s -> statsOf(gateway),
        List.of("destination", gateway.toString()));
  }

  private void gauges(
      MeterRegistry r,
      String prefix,
      String scope,
      Function<ConnectionPools, Stats> of,
      List<String> tags) {
    gauge(
        r,
        prefix + "active",
        "Requests using a pooled connection" + (scope.isEmpty() ? " now" : scope),
        of,
        tags,
        Stats::active);
    gauge(
        r,
        prefix + "idle",
        "Open pooled connections" + scope + " not in use",
        of,
        tags,
        Stats::idle);
    gauge(r, prefix + "total", "Open pooled connections" + scope, of, tags, Stats::total);
    gauge(
        r,
        prefix + "max_connections",
        "Connections the pools" + scope + " may open",
        of,
        tags,
        Stats::maxConnections);
    gauge(
        r,
        prefix + "utilization",
        "Requests in flight" + scope + " over the connections the pools may open",
        of,
        tags,
        Stats::utilization);
    gauge(
        r,
        prefix + "waiting",
        "Requests waiting for a pooled connection" + scope,
        of,
        tags,
        Stats::waiting);
  }

  private void gauge(
      MeterRegistry r,
      String name,
      String description,
      Function<ConnectionPools, Stats> of,
      List<String> tags,
      ToDoubleFunction<Stats> value) {
    Gauge.builder(name, this, pools -> value.applyAsDouble(of.apply(pools)))
        .description(description)
        .tags(tags.toArray(String[]::new))
        .strongReference(true)
        .register(r);
  }

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

  private void warnIfNearCapacity(Pool p) {
    int max = p.gate.maxConnections();
    int active = p.gate.active();
    if (active >= max * settings.utilizationWarningThreshold()) {
      nearCapacity.warn(
          "connection pool near capacity: {}",
          p.gateway()
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

  private static Stats sum(Iterable<Pool> list) {
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
    return new Stats(active, idle, total, max, utilization, waiting);
  }

  private static ClientTransport countingTransport(PoolGate gate, Counter opened) {
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
}
