package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.OverloadedException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-blocking concurrency limit with a bounded wait queue: the counterpart of an {@code
 * asyncio.Semaphore} whose waiters are bounded. {@link #acquire} runs the task at once when a
 * permit is free, queues it when not, and refuses it when the queue is full. Lock-free; no lost
 * wake-ups because both enqueue and release end by draining.
 */
public final class Bulkhead {
  private final String name;
  private final int maxInFlight;
  private final int maxQueued;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  /**
   * Creates a limit.
   *
   * @param name what is limited, for messages
   * @param maxInFlight permits
   * @param maxQueued waiting tasks beyond the permits
   */
  public Bulkhead(String name, int maxInFlight, int maxQueued) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    if (maxQueued < 0) {
      throw new IllegalArgumentException("maxQueued: " + maxQueued + " (expected: >= 0)");
    }
    this.name = name;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
  }

  /**
   * Runs the task with a permit, now or when one frees up. The task must eventually call {@link
   * #release()} exactly once.
   *
   * @param task the task
   * @return {@code null} when run or queued, else the overload error to report
   */
  public OverloadedException acquire(Runnable task) {
    if (tryAcquire()) {
      task.run();
      return null;
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return new OverloadedException(
          "concurrency limit "
              + name
              + " is full: "
              + maxInFlight
              + " calls in flight and "
              + maxQueued
              + " waiting",
          Duration.ofSeconds(1));
    }
    waiters.add(task);
    drain();
    return null;
  }

  /** Returns a permit and starts a waiting task if any. */
  public void release() {
    inFlight.decrementAndGet();
    drain();
  }

  private boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void drain() {
    while (!waiters.isEmpty() && tryAcquire()) {
      Runnable next = waiters.poll();
      if (next == null) {
        inFlight.decrementAndGet();
        continue;
      }
      queued.decrementAndGet();
      next.run();
    }
  }

  /** Calls holding a permit now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Calls waiting for a permit now. */
  public int queued() {
    return queued.get();
  }
}
