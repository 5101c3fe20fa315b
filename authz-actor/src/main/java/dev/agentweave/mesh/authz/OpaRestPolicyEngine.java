package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code opa} engine: asks an Open Policy Agent server through its Data API, {@code POST
 * {endpoint}/v1/data/{policy_path}} with {@code {"input": ...}}. The input document is
 * AgentWeave's: {@code caller_spiffe_id}, {@code callee_spiffe_id}, {@code action}, {@code
 * caller_trust_domain}, {@code callee_trust_domain} and {@code context} ({@code caller_name},
 * {@code callee_name}). The answer may be {@code {"result": true|false}} or {@code {"result":
 * {"allow": bool, "reason": "...", "policy_id": "..."}}}; an undefined result (no rule) is a deny.
 * Requests time out after the decision timeout; consecutive failures open a circuit breaker that
 * admits one trial call after the recovery time; while it is open, and whenever OPA fails, the
 * answer is deny (fail closed, through the caching authorizer). Thread-safe.
 */
public final class OpaRestPolicyEngine implements PolicyEngine {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI uri;
  private final String policyPath;
  private final Duration timeout;
  private final HttpClient http;
  private final int failureThreshold;
  private final long recoveryNanos;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong openUntil = new AtomicLong();
  private final AtomicInteger trialsInFlight = new AtomicInteger();

  /**
   * Creates the engine.
   *
   * @param endpoint OPA's base URL, such as {@code http://localhost:8181}
   * @param policyPath the policy path, such as {@code agentweave/authz}
   * @param timeout per-request timeout
   * @param failureThreshold consecutive failures that open the breaker
   * @param recovery how long the breaker stays open before one trial call
   */
  public OpaRestPolicyEngine(
      String endpoint,
      String policyPath,
      Duration timeout,
      int failureThreshold,
      Duration recovery) {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(policyPath, "policyPath");
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    String path = policyPath.replace('.', '/').replaceAll("^/+|/+$", "");
    this.uri = URI.create(base + "/v1/data/" + path);
    this.policyPath = path;
    this.timeout = requireNonNull(timeout, "timeout");
    this.failureThreshold = failureThreshold;
    this.recoveryNanos = recovery.toNanos();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public CompletionStage<AuthzDecision> evaluate(SpiffeId caller, SpiffeId callee, String action) {
    long now = System.nanoTime();
    long until = openUntil.get();
    boolean trial = false;
    if (until != 0) {
      if (now - until < 0 || !trialsInFlight.compareAndSet(0, 1)) {
        return CompletableFuture.completedFuture(
            AuthzDecision.deny(
                "OPA at " + uri + " is failing (circuit open); denied (fail closed)",
                policyVersion()));
      }
      trial = true;
    }
    ObjectNode input = OpaInput.of(caller, callee, action);
    ObjectNode body = JSON.createObjectNode();
    body.set("input", input);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    boolean isTrial = trial;
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(this::decode)
        .whenComplete(
            (d, e) -> {
              if (isTrial) {
                trialsInFlight.set(0);
              }
              if (e == null) {
                consecutiveFailures.set(0);
                openUntil.set(0);
              } else if (consecutiveFailures.incrementAndGet() >= failureThreshold || isTrial) {
                openUntil.set(System.nanoTime() + recoveryNanos);
              }
            });
  }

  private AuthzDecision decode(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("OPA answered HTTP " + response.statusCode() + " for " + uri);
    }
    JsonNode root;
    try {
      root = JSON.readTree(response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("OPA answered malformed JSON for " + uri, e);
    }
    return OpaInput.decision(root.get("result"), policyPath, policyVersion());
  }

  @Override
  public String policyVersion() {
    return "opa:" + policyPath;
  }

  @Override
  public void onPolicyChange(Runnable listener) {
    // OPA loads bundles on its own; cached decisions expire with their TTL.
  }

  @Override
  public String name() {
    return "opa";
  }
}
