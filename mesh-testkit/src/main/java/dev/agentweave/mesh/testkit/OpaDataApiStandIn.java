package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A <b>stand-in for an OPA server</b>, for tests: an HTTP server on loopback that implements the
 * documented contract of OPA's Data API for one policy path, {@code POST /v1/data/{path}} with
 * {@code {"input": ...}} answering {@code {"result": ...}}, where the result comes from a Java
 * function of the input that the test supplies. It is not OPA and evaluates no Rego; no OPA binary
 * is available on our build machines. It can be told to answer slowly or to fail, to test timeouts
 * and circuit breaking. Thread-safe.
 */
public final class OpaDataApiStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final String path;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Function<JsonNode, JsonNode> policy;
  private volatile Duration delay = Duration.ZERO;
  private volatile int failWithStatus;

  private OpaDataApiStandIn(String policyPath, Function<JsonNode, JsonNode> policy)
      throws IOException {
    this.path = "/v1/data/" + policyPath;
    this.policy = policy;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/data/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * Starts the stand-in on a free loopback port.
   *
   * @param policyPath the policy path it answers, such as {@code agentweave/authz}
   * @param policy computes {@code result} from {@code input}; return {@code null} for undefined
   * @return the running stand-in
   * @throws IOException if it cannot bind
   */
  public static OpaDataApiStandIn start(String policyPath, Function<JsonNode, JsonNode> policy)
      throws IOException {
    return new OpaDataApiStandIn(
        requireNonNull(policyPath, "policyPath"), requireNonNull(policy, "policy"));
  }

  /** The base URL to configure as {@code authorization.opa_endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests served so far. */
  public int requests() {
    return requests.get();
  }

  /**
   * Replaces the policy function.
   *
   * @param next the new function
   */
  public void policy(Function<JsonNode, JsonNode> next) {
    this.policy = requireNonNull(next, "next");
  }

  /**
   * Makes every answer wait.
   *
   * @param value the delay
   */
  public void delay(Duration value) {
    this.delay = requireNonNull(value, "value");
  }

  /**
   * Makes every answer an HTTP error, or (with 0) answers normally again.
   *
   * @param status the status to answer, 0 for none
   */
  public void failWith(int status) {
    this.failWithStatus = status;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")
          || !exchange.getRequestURI().getPath().equals(path)) {
        respond(exchange, 404, "{\"code\":\"not_found\"}");
        return;
      }
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failWithStatus != 0) {
        respond(exchange, failWithStatus, "{\"code\":\"internal_error\"}");
        return;
      }
      JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
      JsonNode result = policy.apply(body.path("input"));
      respond(exchange, 200, result == null ? "{}" : "{\"result\":" + result + "}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
