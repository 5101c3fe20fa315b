package dev.agentweave.mesh.http.internal;

import dev.agentweave.mesh.config.TransportSettings.CircuitBreakerSettings;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one destination ({@code transport.circuit_breaker}): closed, it counts
 * consecutive failures and opens at {@code failure_threshold}; open, it refuses calls for {@code
 * recovery_timeout_seconds}; then half-open, it admits at most {@code half_open_requests} trial
 * calls at a time, closes after {@code success_threshold} successes and opens again on a failure.
 * Thread-safe.
 */
final class CircuitBreaker {
  /** The breaker's states. */
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final CircuitBreakerSettings settings;
  private final LongSupplier nanoClock;
  private State state = State.CLOSED;
  private int failures;
  private int successes;
  private int trials;
  private long openedAt;

  CircuitBreaker(CircuitBreakerSettings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
  }

  /**
   * Whether a call may go now; a call that may go must report {@link #succeeded()} or {@link
   * #failed()} (or {@link #released()} when it ended without telling anything about the
   * destination).
   */
  synchronized boolean tryAcquire() {
    if (!settings.enabled()) {
      return true;
    }
    if (state == State.OPEN) {
      if (nanoClock.getAsLong() - openedAt < settings.recoveryTimeout().toNanos()) {
        return false;
      }
      state = State.HALF_OPEN;
      successes = 0;
      trials = 0;
    }
    if (state == State.HALF_OPEN) {
      if (trials >= settings.halfOpenRequests()) {
        return false;
      }
      trials++;
    }
    return true;
  }

  synchronized void succeeded() {
    if (!settings.enabled()) {
      return;
    }
    failures = 0;
    if (state == State.HALF_OPEN) {
      trials--;
      if (++successes >= settings.successThreshold()) {
        state = State.CLOSED;
      }
    }
  }

  synchronized void failed() {
    if (!settings.enabled()) {
      return;
    }
    if (state == State.HALF_OPEN) {
      trials--;
      open();
      return;
    }
    if (state == State.CLOSED && ++failures >= settings.failureThreshold()) {
      open();
    }
  }

  synchronized void released() {
    if (settings.enabled() && state == State.HALF_OPEN) {
      trials--;
    }
  }

  private void open() {
    state = State.OPEN;
    openedAt = nanoClock.getAsLong();
    failures = 0;
  }

  synchronized State state() {
    if (state == State.OPEN
        && nanoClock.getAsLong() - openedAt >= settings.recoveryTimeout().toNanos()) {
      return State.HALF_OPEN;
    }
    return state;
  }
}
