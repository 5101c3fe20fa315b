package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One capability of a {@link KeyedAgent}: a name, request and response types, how to take the key
 * from a request, and the handler that answers with the key's state. Options have the meaning they
 * have on {@link Capability}:
 *
 * <pre>{@code
 * KeyedCapability<Counter, Add, Total> add =
 *     KeyedCapability.of(
 *             "add", Add.class, Total.class, Add::counterId,
 *             (ctx, counter, req) -> new Total(req.counterId(), counter.add(req.amount())))
 *         .withTimeout(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>The in-flight limit and mailbox capacity bound the calls of this capability that one node
 * takes and routes to entities at once; within one key, calls run one at a time. A {@linkplain
 * #withBlocking blocking} handler runs on the blocking dispatcher of the entity's node while the
 * entity waits for it.
 *
 * @param <S> the state type of the keyed agent
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class KeyedCapability<S, Q, R> {
  /** The longest key, in characters. */
  public static final int MAX_KEY_LENGTH = 1_024;

  private final Capability<Q, R> options;
  private final Function<? super Q, String> key;
  private final KeyedHandler<S, Q, R> handler;

  private KeyedCapability(
      Capability<Q, R> options, Function<? super Q, String> key, KeyedHandler<S, Q, R> handler) {
    this.options = options;
    this.key = key;
    this.handler = handler;
  }

  /**
   * A keyed capability with default options.
   *
   * @param name the capability name, matching {@code ^[a-z][a-z0-9_]*$}
   * @param requestType the request type
   * @param responseType the response type
   * @param key takes the key from a request; a {@code null} or empty key refuses the call as
   *     invalid
   * @param handler answers with the key's state
   * @param <S> the state type
   * @param <Q> the request type
   * @param <R> the response type
   * @return the capability
   * @throws IllegalArgumentException if the name is not valid
   */
  public static <S, Q, R> KeyedCapability<S, Q, R> of(
      String name,
      Class<Q> requestType,
      Class<R> responseType,
      Function<? super Q, String> key,
      KeyedHandler<S, Q, R> handler) {
    requireNonNull(key, "key");
    requireNonNull(handler, "handler");
    Capability<Q, R> options =
        Capability.ofAsync(
            name,
            requestType,
            responseType,
            (ctx, request) ->
                CompletableFuture.failedFuture(
                    new UnavailableException(
                        "keyed capability '" + name + "' runs only inside its keyed agent")));
    return new KeyedCapability<>(options, key, handler);
  }

  private KeyedCapability<S, Q, R> with(Capability<Q, R> changed) {
    return new KeyedCapability<>(changed, key, handler);
  }

  /**
   * A copy with a description.
   *
   * @param value the description
   * @return the copy
   */
  public KeyedCapability<S, Q, R> withDescription(String value) {
    return with(options.withDescription(value));
  }

  /**
   * A copy with a limit on the calls one node routes to this capability's entities at once.
   *
   * @param value at least 1
   * @return the copy
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public KeyedCapability<S, Q, R> withMaxInFlight(int value) {
    return with(options.withMaxInFlight(value));
  }

  /**
   * A copy with a mailbox capacity: calls one node accepted and has not routed yet.
   *
   * @param value at least 1
   * @return the copy
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public KeyedCapability<S, Q, R> withMailboxCapacity(int value) {
    return with(options.withMailboxCapacity(value));
  }

  /**
   * A copy with a timeout, as {@link Capability#withTimeout(Duration)}.
   *
   * @param value a positive duration
   * @return the copy
   * @throws IllegalArgumentException if the duration is not positive
   */
  public KeyedCapability<S, Q, R> withTimeout(Duration value) {
    return with(options.withTimeout(value));
  }

  /**
   * A copy whose handler runs on the blocking dispatcher of the entity's node; the entity takes its
   * next call when the handler returned.
   *
   * @param value whether the handler blocks
   * @return the copy
   */
  public KeyedCapability<S, Q, R> withBlocking(boolean value) {
    return with(options.withBlocking(value));
  }

  /**
   * A copy marked idempotent, as {@link Capability#withIdempotent(boolean)}.
   *
   * @param value whether the capability is idempotent
   * @return the copy
   */
  public KeyedCapability<S, Q, R> withIdempotent(boolean value) {
    return with(options.withIdempotent(value));
  }

  /**
   * A copy that admits only callers matching one of the patterns, as {@link
   * Capability#withRequiredPeers(String...)}.
   *
   * @param patterns SPIFFE ID globs
   * @return the copy
   * @throws IllegalArgumentException if a pattern is not valid
   */
  public KeyedCapability<S, Q, R> withRequiredPeers(String... patterns) {
    return with(options.withRequiredPeers(patterns));
  }

  /** The capability name (the {@code action} of calls). */
  public String name() {
    return options.name();
  }

  /** The request type. */
  public Class<Q> requestType() {
    return options.requestType();
  }

  /** The response type. */
  public Class<R> responseType() {
    return options.responseType();
  }

  /** Whether the handler blocks. */
  public boolean blocking() {
    return options.blocking();
  }

  /**
   * Whether the capability is idempotent: a call whose entity's node was lost while the call ran is
   * then sent again to the key's new entity; otherwise it fails as unavailable.
   */
  public boolean idempotent() {
    return options.idempotent();
  }

  /**
   * The options as a plain capability whose handler is the given one: how a node takes calls of
   * this capability before they reach an entity.
   *
   * @param router the handler that routes a call to its key's entity
   * @return the capability
   */
  public Capability<Q, R> routedBy(AsyncCapabilityHandler<Q, R> router) {
    return options.withAsyncHandler(router).withBlocking(false);
  }

  /**
   * The key of a request.
   *
   * @param request the request
   * @return the key
   * @throws InvalidRequestException if the request has no key or one longer than {@value
   *     #MAX_KEY_LENGTH} characters
   */
  public String keyOf(Q request) {
    String k;
    try {
      k = key.apply(request);
    } catch (RuntimeException e) {
      throw new InvalidRequestException(
          "request for '" + name() + "': its key could not be read (" + e + ")");
    }
    if (k == null || k.isEmpty()) {
      throw new InvalidRequestException(
          "request for '" + name() + "' has no key (expected: a non-empty key in the request)");
    }
    if (k.length() > MAX_KEY_LENGTH) {
      throw new InvalidRequestException(
          "request for '"
              + name()
              + "': key of "
              + k.length()
              + " characters (expected: at most "
              + MAX_KEY_LENGTH
              + ")");
    }
    return k;
  }

  /**
   * Runs the handler.
   *
   * @param ctx the call's context
   * @param state the key's state
   * @param request the request
   * @return the response
   * @throws Exception what the handler throws
   */
  public R invoke(CallContext ctx, S state, Q request) throws Exception {
    return handler.handle(ctx, state, request);
  }

  @Override
  public String toString() {
    return "KeyedCapability[" + name() + "]";
  }
}
