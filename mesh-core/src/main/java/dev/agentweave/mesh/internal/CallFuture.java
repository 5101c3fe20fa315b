package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Cancellable;

/**
 * The caller's side of one {@code ask}: the future handed to the user, the reply sink of the call,
 * its deadline timer and its concurrency permit. Whatever completes it first (the handler, a
 * failure, the timer, the user cancelling) wins; completion cancels the timer and returns the
 * permit exactly once.
 *
 * @param <R> the response type the caller asked for
 */
final class CallFuture<R> extends CompletableFuture<R> implements ReplySink {
  private static final VarHandle PERMIT;
  private static final int WAITING = 0;
  private static final int HOLDING = 1;
  private static final int RETURNED = 2;

  static {
    try {
      PERMIT = MethodHandles.lookup().findVarHandle(CallFuture.class, "permit", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MeshRuntime runtime;
  private final Class<R> responseType;
  private final String action;
  private volatile Cancellable timer;
  private volatile long timerDeadline = Long.MAX_VALUE;
  private volatile Bulkhead bulkhead;

  @SuppressWarnings("unused") // accessed through PERMIT
  private volatile int permit = WAITING;

  CallFuture(MeshRuntime runtime, Class<R> responseType, String action) {
    this.runtime = runtime;
    this.responseType = responseType;
    this.action = action;
  }

  /** Called by the bulkhead when the call gets its permit; false if already completed. */
  boolean permitGranted(Bulkhead b) {
    this.bulkhead = b;
    PERMIT.setVolatile(this, HOLDING);
    if (isDone()) {
      returnPermit();
      return false;
    }
    return true;
  }

  private void returnPermit() {
    if (PERMIT.compareAndSet(this, HOLDING, RETURNED)) {
      bulkhead.release();
    }
  }

  @Override
  public void armDeadline(long deadlineNanos, String message) {
    synchronized (this) {
      if (deadlineNanos >= timerDeadline || isDone()) {
        return;
      }
      Cancellable previous = timer;
      if (previous != null) {
        previous.cancel();
      }
      timerDeadline = deadlineNanos;
      long delay = Math.max(0, deadlineNanos - System.nanoTime());
      timer =
          runtime.schedule(
              delay, () -> completeExceptionally(new DeadlineExceededException(message)));
    }
    if (isDone()) {
      cancelTimer();
    }
  }

  @Override
  public void accepted() {}

  @Override
  @SuppressWarnings("unchecked")
  public void succeed(Object value) {
    if (value == null || responseType.isInstance(value)) {
      complete((R) value);
      return;
    }
    R mapped;
    try {
      mapped = runtime.json().convertValue(value, responseType);
    } catch (IllegalArgumentException e) {
      completeExceptionally(
          new InternalErrorException(
              "response of '"
                  + action
                  + "' does not map to "
                  + responseType.getSimpleName()
                  + ": "
                  + Json.shortMessage(e)));
      return;
    }
    complete(mapped);
  }

  @Override
  public void fail(Throwable error) {
    completeExceptionally(error);
  }

  @Override
  public boolean abandoned() {
    return isDone();
  }

  @Override
  public boolean complete(R value) {
    boolean done = super.complete(value);
    if (done) {
      onCompleted();
    }
    return done;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean done = super.completeExceptionally(ex);
    if (done) {
      onCompleted();
    }
    return done;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean done = super.cancel(mayInterruptIfRunning);
    if (done) {
      onCompleted();
    }
    return done;
  }

  private void onCompleted() {
    cancelTimer();
    if (bulkhead != null) {
      returnPermit();
    }
  }

  private void cancelTimer() {
    Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }

  static long nanosFrom(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.convert(d);
  }
}
