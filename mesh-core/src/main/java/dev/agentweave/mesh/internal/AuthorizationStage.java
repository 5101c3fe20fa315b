package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.support.RateLimitedLog;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's authorization stages, outbound and inbound: one question to the node's {@link
 * Authorizer}, fail closed, timed and counted; {@code log_only} lets denied calls pass with a
 * warning. A denied caller learns that permission was denied and the decision id; why (the engine's
 * reason, the policy version) goes to the node's log under that id (at most one line a second; an
 * auditing authorizer also writes every decision to its audit log under the same id).
 */
final class AuthorizationStage {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.node");

  private final RateLimitedLog denials =
      new RateLimitedLog(
          LoggerFactory.getLogger("agentweave.authz"), java.time.Duration.ofSeconds(1));

  private final Authorizer authorizer;
  private final MeshMeters meters;
  private final boolean logOnly;

  AuthorizationStage(Authorizer authorizer, MeshMeters meters, boolean logOnly) {
    this.authorizer = authorizer;
    this.meters = meters;
    this.logOnly = logOnly;
  }

  Authorizer authorizer() {
    return authorizer;
  }

  /**
   * Runs the authorizer for one request and continues with {@code onAllowed} or reports the denial.
   * Completed stages are handled on the calling thread.
   */
  void authorize(
      AuthzRequest request,
      MeshMeters.ActionMeters am,
      Runnable onAllowed,
      Consumer<MeshException> onDenied) {
    long start = System.nanoTime();
    CompletionStage<AuthzDecision> stage;
    try {
      stage = authorizer.authorize(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage instanceof CompletableFuture<AuthzDecision> cf && cf.isDone()) {
      AuthzDecision d;
      Throwable err = null;
      try {
        d = cf.getNow(null);
      } catch (RuntimeException e) {
        d = null;
        err = e.getCause() != null ? e.getCause() : e;
      }
      decided(request, am, start, d, err, onAllowed, onDenied);
      return;
    }
    stage.whenComplete((d, err) -> decided(request, am, start, d, err, onAllowed, onDenied));
  }

  private void decided(
      AuthzRequest request,
      MeshMeters.ActionMeters am,
      long start,
      AuthzDecision decision,
      Throwable error,
      Runnable onAllowed,
      Consumer<MeshException> onDenied) {
    meters
        .authzDuration(request.direction())
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    if (error != null || decision == null) {
      meters.authzError(error);
      String id = newDecisionId();
      LOG.warn(
          "authorizer {} failed on {} {} -> {} '{}'; denying (fail closed, decision {})",
          authorizer.name(),
          request.direction(),
          request.caller(),
          request.callee(),
          request.action(),
          id,
          error);
      am.denied();
      onDenied.accept(
          new PermissionDeniedException(
              "permission denied: authorization of "
                  + request.caller()
                  + " calling '"
                  + request.action()
                  + "' on "
                  + request.callee()
                  + " failed; denied (fail closed) (decision "
                  + id
                  + ")"));
      return;
    }
    if (decision.allowed()) {
      am.allowed();
      onAllowed.run();
      return;
    }
    am.denied();
    if (logOnly) {
      LOG.warn(
          "log-only: {} {} calling '{}' on {} would be denied: {}",
          request.direction(),
          request.caller(),
          request.action(),
          request.callee(),
          decision.reason());
      onAllowed.run();
      return;
    }
    String id = logged(request, decision);
    onDenied.accept(
        new PermissionDeniedException(
            "permission denied: "
                + request.caller()
                + " may not call '"
                + request.action()
                + "' on "
                + request.callee()
                + " (decision "
                + id
                + ")"));
  }

  /** Writes why a call was denied to the node's log; returns the decision's id. */
  private String logged(AuthzRequest request, AuthzDecision decision) {
    String id = decision.decisionId().isEmpty() ? newDecisionId() : decision.decisionId();
    denials.warn("denied: {}", new Denial(request, decision, id));
    return id;
  }

  /** A denial's log line, formatted only when the rate-limited log writes it. */
  private record Denial(AuthzRequest request, AuthzDecision decision, String id) {
    @Override
    public String toString() {
      return request.direction()
          + " "
          + request.caller()
          + " -> "
          + request.callee()
          + " '"
          + request.action()
          + "': "
          + decision.reason()
          + " (policy "
          + decision.policyVersion()
          + ", decision "
          + id
          + ")";
    }
  }

  /**
   * The denial of a caller that matches none of a capability's required peers: the patterns stay in
   * the node's log.
   */
  PermissionDeniedException peerRefused(
      SpiffeId caller, SpiffeId agent, String capability, String requiredPeers) {
    AuthzRequest request = new AuthzRequest(caller, agent, capability, Direction.INBOUND);
    String id =
        logged(
            request,
            AuthzDecision.deny(
                "does not match the peers required by '" + capability + "': " + requiredPeers,
                "required_peers"));
    return new PermissionDeniedException(
        "permission denied: "
            + caller
            + " does not match the peers required by '"
            + capability
            + "' of "
            + agent
            + " (decision "
            + id
            + ")");
  }

  /** A new decision id, for a denial no audit record named. */
  static String newDecisionId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return AuthzDecision.decisionId(r.nextLong(), r.nextLong());
  }

  /**
   * One inbound decision through the authorizer, fail closed, for routes outside the pipeline.
   *
   * @param logDenial true when the question is a request being refused (a denial is logged and
   *     given a decision id); false for a dry run whose asker reads the decision itself
   */
  CompletionStage<AuthzDecision> check(
      SpiffeId caller, SpiffeId callee, String action, boolean logDenial) {
    AuthzRequest request = new AuthzRequest(caller, callee, action, Direction.INBOUND);
    CompletionStage<AuthzDecision> stage;
    try {
      stage = authorizer.authorize(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.handle(
        (d, e) -> {
          AuthzDecision decided =
              d != null && e == null
                  ? d
                  : AuthzDecision.deny(
                      "authorizer " + authorizer.name() + " failed; denied (fail closed)",
                      "unknown");
          return decided.allowed() || !logDenial
              ? decided
              : decided.withDecisionId(logged(request, decided));
        });
  }
}
