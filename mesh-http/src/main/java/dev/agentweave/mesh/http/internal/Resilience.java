package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.config.TransportSettings.CircuitBreakerSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings.RetrySettings;
import dev.agentweave.mesh.support.Completions;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntBiFunction;
import javax.net.ssl.SSLHandshakeException;

/**
 * What the pooled client does when a destination fails: a circuit breaker per gateway ({@code
 * transport.circuit_breaker}), the choice of a gateway among several (fewest requests in flight
 * from the caller, open breakers skipped), and the retry policy ({@code transport.retry}):
 * exponential backoff with full jitter, and only for a call that the other node cannot have
 * processed, or that failed and is declared idempotent there. Thread-safe.
 */
public final class Resilience {
  private final RetrySettings retry;
  private final CircuitBreakerSettings breakerSettings;
  private final Map<URI, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  /** "target action" of capabilities their nodes declared idempotent, learned from answers. */
  private final Set<String> idempotent = ConcurrentHashMap.newKeySet();

  /**
   * Creates the policy.
   *
   * @param retry {@code transport.retry}
   * @param breakers {@code transport.circuit_breaker}
   */
  public Resilience(RetrySettings retry, CircuitBreakerSettings breakers) {
    this.retry = retry;
    this.breakerSettings = breakers;
  }

  // ---- breakers --------------------------------------------------------------------------------

  /**
   * Admits a call to a gateway through its breaker.
   *
   * @param gateway the gateway
   * @return whether the call may go; if so, tell its outcome with {@link #succeeded}, {@link
   *     #failed} or {@link #released}
   */
  public boolean tryAcquire(URI gateway) {
    return breaker(gateway).tryAcquire();
  }

  /** The call went through: the gateway works. */
  public void succeeded(URI gateway) {
    breaker(gateway).succeeded();
  }

  /** Tells the gateway's breaker what a failed call says about the gateway. */
  public void failed(URI gateway, Throwable cause) {
    CircuitBreaker b = breaker(gateway);
    if (countsAgainst(cause)) {
      b.failed();
    } else {
      b.released();
    }
  }

  /** The call ended without saying anything about the gateway. */
  public void released(URI gateway) {
    breaker(gateway).released();
  }

  /**
   * The failure of a call its breaker refused.
   *
   * @param gateway the gateway
   * @param target the agent called
   * @return the failure
   */
  public static UnavailableException breakerOpen(URI gateway, SpiffeId target) {
    return new UnavailableException(
        "circuit breaker to "
            + gateway
            + " is open after repeated failures; not calling "
            + target);
  }

  private CircuitBreaker breaker(URI gateway) {
    return breakers.computeIfAbsent(
        gateway, g -> new CircuitBreaker(breakerSettings, System::nanoTime));
  }

  // ---- choice ----------------------------------------------------------------------------------

  /**
   * Picks the gateway with the fewest requests in flight from the caller, skipping open breakers.
   *
   * @param caller the calling agent
   * @param gateways where the agent runs, at least one
   * @param load the requests in flight and waiting from a caller to a gateway
   * @return the gateway
   */
  public URI choose(SpiffeId caller, List<URI> gateways, ToIntBiFunction<SpiffeId, URI> load) {
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
      int l = load.applyAsInt(caller, g);
      if (l < bestLoad) {
        best = g;
        bestLoad = l;
      }
    }
    return best != null ? best : gateways.get(start);
  }

  // ---- retries ---------------------------------------------------------------------------------

  /** Remembers that the other node declared a capability idempotent. */
  public void learnedIdempotent(SpiffeId target, String action) {
    idempotent.add(target + " " + action);
  }

  /**
   * Whether a failed attempt may be sent again: the other node cannot have processed it (no
   * connection, TLS refused, overloaded, unavailable), or it may have and the capability is
   * idempotent; and attempts are left.
   *
   * @param cause the attempt's failure (see {@link #classify})
   * @param target the agent called
   * @param action the capability
   * @param attempt the attempt that failed, from 1
   * @return whether to retry
   */
  public boolean retryable(Throwable cause, SpiffeId target, String action, int attempt) {
    boolean safe =
        cause instanceof NotProcessed
            || cause instanceof OverloadedException
            || cause instanceof UnavailableException
            || ((cause instanceof MaybeProcessed || cause instanceof InternalErrorException)
                && idempotent.contains(target + " " + action));
    return safe && attempt < retry.maxAttempts();
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
  public long backoffNanos(int attempt) {
    long base = retry.backoffBase().toNanos();
    long cap = retry.backoffMax().toNanos();
    long exp = attempt >= 62 ? cap : Math.min(cap, base << Math.min(attempt - 1, 30));
    if (!retry.jitter().equals("full")) {
      return exp;
    }
    return ThreadLocalRandom.current().nextLong(exp + 1);
  }

  // ---- failures --------------------------------------------------------------------------------

  /**
   * A failure below HTTP: retryable only when the request cannot have reached the other node (the
   * connection or the TLS handshake failed).
   *
   * @param gateway the gateway
   * @param error what the HTTP client failed with
   * @return a cause for {@link #retryable} and {@link #failureOf}
   */
  public static RuntimeException classify(URI gateway, Throwable error) {
    Throwable cause = Completions.unwrap(error);
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof ConnectException
          || t instanceof SSLHandshakeException
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

  /**
   * The error a caller sees for a failure below HTTP or from the other node.
   *
   * @param cause a failure, classified or not
   * @return the mesh exception
   */
  public static MeshException failureOf(Throwable cause) {
    Throwable t = Completions.unwrap(cause);
    if (t instanceof NotProcessed n) {
      return n.asUnavailable();
    }
    if (t instanceof MaybeProcessed m) {
      return m.failure;
    }
    if (t instanceof MeshException m) {
      return m;
    }
    return new InternalErrorException("remote call failed: " + t.getClass().getSimpleName());
  }

  private static boolean countsAgainst(Throwable cause) {
    return cause instanceof NotProcessed
        || cause instanceof MaybeProcessed
        || cause instanceof InternalErrorException
        || cause instanceof UnavailableException;
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
}
