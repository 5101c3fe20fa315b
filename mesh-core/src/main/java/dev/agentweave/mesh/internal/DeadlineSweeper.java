package dev.agentweave.mesh.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Fails calls whose deadline passed, with one periodic sweep instead of a scheduler task per call.
 * Registering is one lock-free enqueue. Each sweep (every {@link #TICK_NANOS}) drops the calls that
 * already completed, which on a healthy node is nearly all of them, keeps the others in a heap
 * ordered by deadline, and expires those that are due. A deadline therefore fires between 0 and one
 * tick (plus scheduling delay) after it passes. When the node stops, every call still registered is
 * failed, so no caller waits forever.
 */
final class DeadlineSweeper {
  /** Sweep period. */
  static final long TICK_NANOS = 5_000_000L;

  /** Something with a deadline. */
  interface Expiring {
    /** The deadline, a {@link System#nanoTime()} instant; fixed once registered. */
    long deadlineNanos();

    /** Whether it completed already (then it is dropped). */
    boolean isDone();

    /** Fails it because its deadline passed. */
    void expire();

    /**
     * Fails it because the node stopped.
     *
     * @param error the failure
     */
    void abort(RuntimeException error);
  }

  private final ConcurrentLinkedQueue<Expiring> incoming = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Expiring> pending =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNanos(), b.deadlineNanos()));
  private int purgeAt = 1024;
  private boolean closed;

  void register(Expiring e) {
    incoming.add(e);
  }

  /** One sweep; called by the node's scheduler, never concurrently with itself. */
  synchronized void sweep() {
    if (closed) {
      return;
    }
    Expiring e;
    while ((e = incoming.poll()) != null) {
      if (!e.isDone()) {
        pending.add(e);
      }
    }
    long now = System.nanoTime();
    while ((e = pending.peek()) != null && e.deadlineNanos() - now <= 0) {
      pending.poll();
      if (!e.isDone()) {
        e.expire();
      }
    }
    if (pending.size() > purgeAt) {
      // Calls that completed while waiting in the heap stay until their deadline; purge them
      // when the heap has doubled, which keeps memory bounded by the calls really pending.
      pending.removeIf(Expiring::isDone);
      purgeAt = Math.max(1024, pending.size() * 2);
    }
  }

  /**
   * Fails every registered call that has not completed and stops sweeping.
   *
   * @param error the failure to report
   */
  synchronized void abortAll(RuntimeException error) {
    closed = true;
    List<Expiring> all = new ArrayList<>(pending);
    pending.clear();
    Expiring e;
    while ((e = incoming.poll()) != null) {
      all.add(e);
    }
    for (Expiring x : all) {
      if (!x.isDone()) {
        x.abort(error);
      }
    }
  }
}
