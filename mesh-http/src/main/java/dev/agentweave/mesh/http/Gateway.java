package dev.agentweave.mesh.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.MeshNode;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.IdentitySources;
import dev.agentweave.mesh.identity.SpiffeTls;
import dev.agentweave.mesh.internal.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
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

  private final MeshNode node;
  private final ServerBinding binding;
  private final URI url;
  private final SpiffeId serverId;
  private final GatewayRoutes routes;

  private Gateway(
      MeshNode node, ServerBinding binding, URI url, SpiffeId serverId, GatewayRoutes routes) {
    this.routes = routes;
    this.node = node;
    this.binding = binding;
    this.url = url;
    this.serverId = serverId;
  }

  /**
   * Binds the gateway of a node on {@code server.host}:{@code server.port} ({@code 0} picks a free
   * port) and waits until it serves.
   *
   * @param node the running node
   * @param identities the node's identity source
   * @return the bound gateway
   * @throws IllegalStateException if the port cannot be bound within 30 seconds, naming the address
   */
  public static Gateway start(MeshNode node, IdentitySource identities) {
    requireNonNull(node, "node");
    requireNonNull(identities, "identities");
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
    HttpsConnectionContext https =
        ConnectionContext.httpsServer(() -> tls.configureServer(sslContext.createSSLEngine()));
    String host = settings.server().host();
    int port = settings.server().port();
    GatewayRoutes routes = new GatewayRoutes(node, Materializer.matFromSystem(node.actorSystem()));
    // Pekko's own limits sit just outside the gateway's, which answer first and in JSON.
    ServerSettings defaults = ServerSettings.create(node.actorSystem().classicSystem());
    ServerSettings server =
        defaults
            .withParserSettings(
                defaults
                    .getParserSettings()
                    .withMaxContentLength(settings.server().maxBodyBytes() + 1))
            .withTimeouts(
                defaults
                    .getTimeouts()
                    .withRequestTimeout(
                        scala.concurrent.duration.Duration.fromNanos(
                            settings.server().requestTimeout().plusSeconds(5).toNanos())));
    CompletionStage<ServerBinding> bound =
        Http.get(node.actorSystem())
            .newServerAt(host, port)
            .enableHttps(https)
            .withSettings(server)
            .bind(routes.route());
    ServerBinding binding;
    try {
      binding = bound.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while binding the gateway on " + host + ":" + port, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot bind the gateway on " + host + ":" + port + " (" + cause.getMessage() + ")",
          cause);
    }
    String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    URI url = URI.create("https://" + shownHost + ":" + binding.localAddress().getPort());
    Gateway gateway = new Gateway(node, binding, url, serverId, routes);
    node.advertiseGateway(advertised(settings, binding.localAddress().getPort()));
    CoordinatedShutdown.get(node.actorSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "agentweave-gateway-unbind",
            () -> binding.unbind().thenApply(x -> Done.getInstance()));
    LOG.info("gateway of {} serves {} as {}", settings.agent().name(), url, serverId);
    return gateway;
  }

  private static URI advertised(dev.agentweave.mesh.config.MeshSettings settings, int port) {
    String host = settings.server().advertisedHost();
    if (host.isEmpty()) {
      host = settings.server().host();
      if (host.equals("0.0.0.0") || host.equals("::")) {
        String cluster = settings.cluster().host();
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
    return binding.localAddress().getPort();
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

  /**
   * Stops accepting connections and closes open ones after at most the given time.
   *
   * @param hardDeadline how long connections may finish
   * @return completes when unbound
   */
  public CompletionStage<Void> stop(Duration hardDeadline) {
    return binding.terminate(hardDeadline).thenApply(x -> null);
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
