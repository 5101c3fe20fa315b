package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's authorization stages, outbound and inbound: one question to the node's {@link
 * Authorizer}, fail closed, timed and counted; {@code log_only} lets denied calls pass with a
 * warning.
 */
final class AuthorizationStage {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.node");

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
      LOG.warn(
          "authorizer {} failed on {} {} -> {} '{}'; denying (fail closed)",
          authorizer.name(),
          request.direction(),
          request.caller(),
          request.callee(),
          request.action(),
          error);
      am.denied();
      onDenied.accept(
          new PermissionDeniedException(
              "authorization of "
                  + request.caller()
                  + " calling '"
                  + request.action()
                  + "' on "
                  + request.callee()
                  + " failed; denied (fail closed)"));
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
    onDenied.accept(
        new PermissionDeniedException(
            request.caller()
                + " may not call '"
                + request.action()
                + "' on "
                + request.callee()
                + ": "
                + decision.reason()));
  }

  /** One inbound decision through the authorizer, fail closed (for routes outside the pipeline). */
  CompletionStage<AuthzDecision> check(SpiffeId caller, SpiffeId callee, String action) {
    CompletionStage<AuthzDecision> stage;
    try {
      stage = authorizer.authorize(new AuthzRequest(caller, callee, action, Direction.INBOUND));
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.handle(
        (d, e) ->
            d != null && e == null
                ? d
                : AuthzDecision.deny(
                    "authorizer " + authorizer.name() + " failed; denied (fail closed)",
                    "unknown"));
  }
}
