package dev.agentweave.mesh.http.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission to one connection pool: at most {@code maxConnections} requests in flight (HTTP/1.1
 * without pipelining uses one connection per request), then up to {@code maxWaiting} requests wait
 * in order; more are refused at once. Counts the pool's open connections for its statistics.
 * Thread-safe.
 */
final class PoolGate {
  private final int maxConnections;
  private final int maxWaiting;
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private int active;
  private final AtomicInteger open = new AtomicInteger();

  PoolGate(int maxConnections, int maxWaiting) {
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
  }

  /**
   * A slot for one request.
   *
   * @return completes when the request may go; {@code null} when the pool and its queue are full
   */
  synchronized CompletableFuture<Void> acquire() {
    if (active < maxConnections && waiting.isEmpty()) {
      active++;
      return CompletableFuture.completedFuture(null);
    }
    if (waiting.size() >= maxWaiting) {
      return null;
    }
    CompletableFuture<Void> slot = new CompletableFuture<>();
    waiting.add(slot);
    return slot;
  }

  /**
   * Gives up a slot that has not been granted (its wait timed out); false if it was granted
   * meanwhile, in which case the caller owns it and must release it.
   */
  synchronized boolean abandon(CompletableFuture<Void> slot) {
    return waiting.remove(slot);
  }

  /** Returns a granted slot; the next waiter, if any, gets it. */
  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        active--;
        return;
      }
    }
    next.complete(null); // the slot passes on; active stays the same
  }

  void connectionOpened() {
    open.incrementAndGet();
  }

  void connectionClosed() {
    open.decrementAndGet();
  }

  synchronized int active() {
    return active;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  int open() {
    return open.get();
  }

  int maxConnections() {
    return maxConnections;
  }
}
