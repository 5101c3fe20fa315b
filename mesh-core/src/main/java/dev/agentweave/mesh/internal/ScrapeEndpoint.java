package dev.agentweave.mesh.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.ObservabilitySettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional plain-HTTP Prometheus scrape port ({@code observability.metrics.port} above 0):
 * {@code GET <observability.metrics.path>} answers the node's scrape in the Prometheus text format;
 * any other path 404, any other method 405. It has no TLS and no authentication, for a Prometheus
 * that cannot present a client certificate; the gateway's {@code GET /metrics} (mutual TLS and the
 * {@code metrics} action) is always there. One thread serves it.
 */
public final class ScrapeEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.metrics");
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService thread;

  private ScrapeEndpoint(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /**
   * Binds the scrape port when the settings ask for one.
   *
   * @param settings the node's settings
   * @param scrape the scrape text
   * @return the endpoint, or {@code null} when {@code observability.metrics.port} is 0
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public static ScrapeEndpoint start(MeshSettings settings, Supplier<String> scrape) {
    ObservabilitySettings.MetricsSettings m = settings.observability().metrics();
    if (m.port() == 0) {
      return null;
    }
    String host = m.host();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, m.port()), 16);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "observability.metrics.port: cannot serve the scrape on "
              + host
              + ":"
              + m.port()
              + " (expected: a free port on a local address): "
              + e,
          e);
    }
    String path = m.path();
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            answer(exchange, path, scrape);
          }
        });
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "agentweave-scrape-" + m.port());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(thread);
    server.start();
    if (settings.isProduction()) {
      LOG.warn(
          "metrics scrape on {}:{}{} is plain HTTP without authentication; keep the port inside"
              + " the network (GET /metrics on the gateway needs mutual TLS)",
          host,
          server.getAddress().getPort(),
          path);
    } else {
      LOG.info("metrics scrape on http://{}:{}{}", host, server.getAddress().getPort(), path);
    }
    return new ScrapeEndpoint(server, thread);
  }

  private static void answer(HttpExchange exchange, String path, Supplier<String> scrape)
      throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      send(
          exchange,
          404,
          "text/plain; charset=utf-8",
          "not found (the scrape is at " + path + ")\n");
      return;
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain; charset=utf-8", "method " + method + " (expected: GET)\n");
      return;
    }
    send(exchange, 200, CONTENT_TYPE, method.equals("HEAD") ? null : scrape.get());
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
