package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.support.Completions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of one call among several: a value or a failure. {@link #all(List)} gathers many
 * calls into one stage that never fails, the counterpart of Python's {@code asyncio.gather(...,
 * return_exceptions=True)}.
 *
 * @param <T> the value type
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

  /**
   * A successful outcome.
   *
   * @param value the value (may be null)
   * @param <T> the value type
   */
  record Success<T>(T value) implements Outcome<T> {
    @Override
    public boolean isSuccess() {
      return true;
    }

    @Override
    public Throwable error() {
      throw new IllegalStateException("outcome is a success, it has no error");
    }

    @Override
    public T orElse(T fallback) {
      return value;
    }
  }

  /**
   * A failed outcome.
   *
   * @param error the failure, unwrapped from {@link CompletionException}
   * @param <T> the value type
   */
  record Failure<T>(Throwable error) implements Outcome<T> {
    /** Validates the component. */
    public Failure {
      requireNonNull(error, "error");
    }

    @Override
    public boolean isSuccess() {
      return false;
    }

    @Override
    public T value() {
      throw new IllegalStateException("outcome is a failure: " + error, error);
    }

    @Override
    public T orElse(T fallback) {
      return fallback;
    }
  }

  /** Whether this is a success. */
  boolean isSuccess();

  /**
   * The value.
   *
   * @return the value
   * @throws IllegalStateException if this is a failure
   */
  T value();

  /**
   * The failure.
   *
   * @return the error
   * @throws IllegalStateException if this is a success
   */
  Throwable error();

  /**
   * The value, or the fallback when this is a failure.
   *
   * @param fallback the value to use on failure
   * @return the value or the fallback
   */
  T orElse(T fallback);

  /**
   * Waits for every stage and returns one outcome per stage, in the order given. The returned stage
   * never fails.
   *
   * @param stages the stages
   * @param <T> the common value type
   * @return the outcomes
   */
  static <T> CompletionStage<List<Outcome<T>>> all(
      List<? extends CompletionStage<? extends T>> stages) {
    requireNonNull(stages, "stages");
    int n = stages.size();
    List<Outcome<T>> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(null);
    }
    CompletableFuture<List<Outcome<T>>> done = new CompletableFuture<>();
    if (n == 0) {
      done.complete(results);
      return done;
    }
    AtomicInteger remaining = new AtomicInteger(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      stages
          .get(i)
          .whenComplete(
              (value, error) -> {
                Outcome<T> o = error == null ? new Success<>(value) : new Failure<>(unwrap(error));
                synchronized (results) {
                  results.set(index, o);
                }
                if (remaining.decrementAndGet() == 0) {
                  List<Outcome<T>> copy;
                  synchronized (results) {
                    copy = List.copyOf(results);
                  }
                  done.complete(copy);
                }
              });
    }
    return done;
  }

  private static Throwable unwrap(Throwable t) {
    return Completions.unwrap(t);
  }
}
