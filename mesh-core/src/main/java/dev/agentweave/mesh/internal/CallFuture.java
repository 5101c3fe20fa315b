package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.SpiffeId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * The caller's side of one {@code ask}: the future handed to the user, the reply sink of the call,
 * its deadline and its concurrency permit. Whatever completes it first (the handler, a failure, the
 * deadline sweeper, the user cancelling) wins; completion returns the permit exactly once.
 *
 * @param <R> the response type the caller asked for
 */
final class CallFuture<R> extends CompletableFuture<R>
    implements ReplySink, DeadlineSweeper.Expiring {
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
  private SpiffeId target;
  private java.time.Duration callTimeout;
  private boolean inheritedDeadline;
  private long deadlineNanos;
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

  /** Arms the caller's own deadline; the failure message is built only if it fires. */
  void armCallerDeadline(
      long deadline, SpiffeId target, java.time.Duration timeout, boolean inherited) {
    this.target = target;
    this.callTimeout = timeout;
    this.inheritedDeadline = inherited;
    this.deadlineNanos = deadline;
    runtime.deadlines().register(this);
  }

  private String callerDeadlineMessage() {
    return "'"
        + action
        + "' on "
        + target
        + " did not answer within "
        + (inheritedDeadline ? "the caller's remaining deadline" : String.valueOf(callTimeout));
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public void expire() {
    completeExceptionally(new DeadlineExceededException(callerDeadlineMessage()));
  }

  @Override
  public void abort(RuntimeException error) {
    completeExceptionally(error);
  }

  @Override
  public void armDeadline(long deadline, String message) {
    if (deadline - deadlineNanos >= 0 && deadlineNanos != 0) {
      return;
    }
    // A shorter deadline (the capability's own timeout): register a second, earlier entry.
    runtime.deadlines().register(new ShorterDeadline(this, deadline, message));
  }

  /** A deadline shorter than the caller's, with its own message. */
  private record ShorterDeadline(CallFuture<?> call, long deadlineNanos, String message)
      implements DeadlineSweeper.Expiring {
    @Override
    public boolean isDone() {
      return call.isDone();
    }

    @Override
    public void expire() {
      call.completeExceptionally(new DeadlineExceededException(message));
    }

    @Override
    public void abort(RuntimeException error) {
      call.completeExceptionally(error);
    }
  }

  @Override
  public void accepted() {}

  @Override
  public void succeed(Object value) {
    R mapped;
    try {
      mapped = runtime.codec().decodeResponse(value, responseType, action, target);
    } catch (InternalErrorException e) {
      completeExceptionally(e);
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
    boolean done = super.completeExceptionally(Failures.delivered(ex));
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
    if (bulkhead != null) {
      returnPermit();
    }
  }
}
