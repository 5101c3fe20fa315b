package dev.agentweave.mesh.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and counts what it suppressed, for events that can
 * repeat at the rate of incoming traffic (refused peers, a full audit queue). Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * Creates the log.
   *
   * @param log where lines go
   * @param interval the least time between two lines
   */
  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Logs a warning with one argument unless one was logged within the interval.
   *
   * @param format the SLF4J format with one placeholder
   * @param arg the argument
   */
  public void warn(String format, Object arg) {
    long now = System.nanoTime();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
      long skipped = suppressed.getAndSet(0);
      if (skipped > 0) {
        log.warn(format + " ({} similar lines suppressed)", arg, skipped);
      } else {
        log.warn(format, arg);
      }
    } else {
      suppressed.incrementAndGet();
    }
  }
}
