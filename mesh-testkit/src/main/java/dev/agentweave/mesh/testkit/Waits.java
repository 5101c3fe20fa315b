package dev.agentweave.mesh.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by checking it every 50 ms until a deadline. */
final class Waits {
  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Waits() {}

  /**
   * Waits until a condition holds.
   *
   * @param timeout the longest wait
   * @param condition checked until it holds
   * @param failFast a reason to give up early, or {@code null} while there is none
   * @param what what was awaited, for the error
   * @param detail appended to the error when there is one (asked only then)
   * @throws IllegalStateException when the time runs out or {@code failFast} gives a reason
   */
  static void until(
      Duration timeout,
      BooleanSupplier condition,
      Supplier<String> failFast,
      String what,
      Supplier<String> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      String reason = failFast.get();
      if (reason != null) {
        throw new IllegalStateException(
            "gave up waiting for " + what + ": " + reason + detail.get());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "waited " + timeout.toSeconds() + " s in vain for " + what + detail.get());
      }
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
      LockSupport.parkNanos(STEP_NANOS);
    }
  }
}
