package dev.agentweave.mesh.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.http.config.GatewaySettings;
import dev.agentweave.mesh.http.internal.GatewayRoutes;
import dev.agentweave.mesh.http.internal.GatewayServer;
import dev.agentweave.mesh.http.internal.ProtocolErrors;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's gateway: a Pekko HTTP server bound with TLS only (there is no plaintext listener) that
 * requires a client certificate, presents the SVID of the node's default agent ({@code
 * agent.name}), and accepts only clients whose SVID verifies against the bundle of an accepted
 * trust domain (the node's own and {@code identity.allowed_trust_domains}). The caller's identity
 * is taken from the verified certificate only.
 *
 * <p>Routes: {@code GET /health/live} (the process runs), {@code GET /health/ready} (200 while the
 * node is ready, 503 while starting, draining or stopped), {@code GET /whoami} (the caller's
 * verified SPIFFE ID as JSON). Anything else answers a JSON 404. The gateway unbinds when the node
 * begins to stop. Thread-safe.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.gateway");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final NodeContext node;
  private final GatewayServer connections;
  private final InetSocketAddress address;
  private final URI url;
  private final SpiffeId serverId;
  private final GatewayRoutes routes;
  private final LoggingAdapter serverLog;

  private Gateway(
      NodeContext node,
      GatewayServer connections,
      InetSocketAddress address,
      URI url,
      SpiffeId serverId,
      GatewayRoutes routes,
      LoggingAdapter serverLog) {
    this.routes = routes;
    this.node = node;
    this.connections = connections;
    this.address = address;
    this.url = url;
    this.serverId = serverId;
    this.serverLog = serverLog;
  }

  /**
   * Binds the gateway of a node on {@code server.host}:{@code server.port} ({@code 0} picks a free
   * port) and waits until it serves.
   *
   * @param node the running node (its identity source holds the gateway's SVID)
   * @return the bound gateway
   * @throws IllegalStateException if the port cannot be bound within 30 seconds, naming the address
   */
  static Gateway start(NodeContext node) {
    requireNonNull(node, "node");
    IdentitySource identities = node.identities();
    var settings = node.settings();
    SpiffeId serverId = SpiffeId.forAgent(settings.agent().trustDomain(), settings.agent().name());
    Counter rejected =
        node.metrics()
            .counter(
                "tls.peers.rejected",
                "TLS handshakes refused because the peer certificate did not verify");
    RateLimitedLog rejectionLog = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    SpiffeTls tls =
        IdentitySources.tls(
            identities,
            settings,
            reason -> {
              rejected.increment();
              rejectionLog.warn("refused a TLS peer: {}", reason);
            });
    SSLContext sslContext = tls.serverContext(serverId);
    GatewaySettings limits = settings.section(GatewaySettings.class);
    String host = limits.host();
    int port = limits.port();
    GatewayRoutes routes = new GatewayRoutes(node, Materializer.matFromSystem(node.actorSystem()));
    var system = node.actorSystem();
    // Pekko's own limits sit just outside the gateway's, which answer first and in JSON; what
    // Pekko refuses before a route sees it is answered in JSON by ProtocolErrors.
    ServerSettings defaults =
        ServerSettings.create(
            ConfigFactory.parseString(
                    "pekko.http.server.parsing.error-handler = \""
                        + ProtocolErrors.class.getName()
                        + "\"")
                .withFallback(system.settings().config()));
    ServerSettings server =
        defaults
            .withParserSettings(
                defaults.getParserSettings().withMaxContentLength(limits.maxBodyBytes() + 1))
            .withTimeouts(
                defaults
                    .getTimeouts()
                    .withRequestTimeout(
                        scala.concurrent.duration.Duration.fromNanos(
                            limits.requestTimeout().plusSeconds(5).toNanos())));
    LoggingAdapter serverLog = Logging.getLogger(system.classicSystem(), "agentweave.gateway.http");
    ProtocolErrors.register(serverLog, node.metrics().registry());
    GatewayServer connections =
        new GatewayServer(
            system,
            limits.connections(),
            server,
            serverLog,
            () -> tls.configureServer(sslContext.createSSLEngine()),
            routes::handle,
            routes::draining,
            node.metrics().registry());
    InetSocketAddress bound;
    try {
      bound = connections.bind(host, port).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connections.close();
      throw new IllegalStateException(
          "interrupted while binding the gateway on " + host + ":" + port, e);
    } catch (ExecutionException | TimeoutException e) {
      connections.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot bind the gateway on " + host + ":" + port + " (" + cause.getMessage() + ")",
          cause);
    }
    String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    URI url = URI.create("https://" + shownHost + ":" + bound.getPort());
    Gateway gateway = new Gateway(node, connections, bound, url, serverId, routes, serverLog);
    node.advertiseGateway(advertised(settings, system, bound.getPort()));
    // Stop: the port is released and open connections drain (503 with Connection: close for new
    // requests, requests in flight finish) for server.graceful_shutdown_seconds.
    Duration grace = settings.server().gracefulShutdown();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "agentweave-gateway-unbind",
        () -> {
          connections.drain(grace).whenComplete((x, e) -> drained.complete(null));
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    cs.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "agentweave-gateway-drain",
        () -> drained.thenApply(x -> Done.getInstance()));
    cs.addTask(
        CoordinatedShutdown.PhaseServiceStop(),
        "agentweave-gateway-stop",
        () -> {
          connections.close();
          ProtocolErrors.unregister(serverLog);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    LOG.info("gateway of {} serves {} as {}", settings.agent().name(), url, serverId);
    return gateway;
  }

  private static URI advertised(
      dev.agentweave.mesh.config.MeshSettings settings,
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      int port) {
    GatewaySettings gateway = settings.section(GatewaySettings.class);
    String host = gateway.advertisedHost();
    if (host.isEmpty()) {
      host = gateway.host();
      if (host.equals("0.0.0.0") || host.equals("::")) {
        // A cluster member's remoting address is reachable by the other members (the cluster
        // module sets it from cluster.host); the gateway reads it from Pekko, not from the
        // cluster's settings, which are that module's.
        String remoting = "pekko.remote.artery.canonical.hostname";
        String cluster =
            system.settings().config().hasPath(remoting)
                    && "cluster"
                        .equals(system.settings().config().getString("pekko.actor.provider"))
                ? system.settings().config().getString(remoting)
                : "";
        host =
            cluster.isEmpty() || cluster.equals("0.0.0.0") || cluster.equals("::")
                ? "localhost"
                : cluster;
      }
    }
    return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  /** The gateway's base URL, {@code https://host:port}. */
  public URI url() {
    return url;
  }

  /** The bound port. */
  public int port() {
    return address.getPort();
  }

  /**
   * Task requests ({@code POST /task}, {@code POST /agents/{agent}/task}) being served now; at most
   * {@code server.max_concurrent_requests}, beyond which requests are answered 503.
   */
  public int requestsInFlight() {
    return routes.inFlight();
  }

  /** The SPIFFE ID the gateway presents. */
  public SpiffeId serverId() {
    return serverId;
  }

  /** Connections the gateway holds open now (handshaking, idle or serving). */
  public int connections() {
    return connections.connections();
  }

  /**
   * Stops accepting connections and drains open ones: new requests on them are answered 503 with
   * {@code Connection: close}, requests in flight may finish within {@code hardDeadline}, then
   * every connection left is closed.
   *
   * @param hardDeadline how long requests in flight may take
   * @return completes when no connection is left
   */
  public CompletionStage<Void> stop(Duration hardDeadline) {
    return connections
        .drain(hardDeadline)
        .whenComplete(
            (x, e) -> {
              connections.close();
              ProtocolErrors.unregister(serverLog);
            });
  }

  /** Unbinds and waits (up to ten seconds). */
  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("gateway did not unbind cleanly", e);
    }
  }

  @Override
  public String toString() {
    return "Gateway[" + url + ", " + node.state() + "]";
  }
}
