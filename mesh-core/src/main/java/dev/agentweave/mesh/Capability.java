package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * An immutable description of one capability of an agent: its name, request and response types,
 * handler, and options. Refine it with {@code withX} copies:
 *
 * <pre>{@code
 * Capability<SearchRequest, SearchResult> search =
 *     Capability.of("search", SearchRequest.class, SearchResult.class, (ctx, req) -> find(req))
 *         .withMaxInFlight(64)
 *         .withMailboxCapacity(2_000)
 *         .withTimeout(Duration.ofSeconds(2))
 *         .withRequiredPeers("spiffe://example.org/agent/*");
 * }</pre>
 *
 * <p>At run time each capability is a Pekko actor behind a bounded mailbox. Requests and responses
 * are Java records (or other Jackson-mappable types); a caller may pass the record itself or any
 * value Jackson can convert to it, such as a {@code Map}.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class Capability<Q, R> {
  /** Default maximum number of handlers in flight. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  /** Default mailbox capacity: requests accepted and waiting to start. */
  public static final int DEFAULT_MAILBOX_CAPACITY = 1_000;

  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  private final String name;
  private final Class<Q> requestType;
  private final Class<R> responseType;
  private final AsyncCapabilityHandler<Q, R> asyncHandler;
  private final CapabilityHandler<Q, R> syncHandler;
  private final String description;
  private final int maxInFlight;
  private final int mailboxCapacity;
  private final Duration timeout;
  private final boolean blocking;
  private final boolean idempotent;
  private final List<SpiffeIdPattern> requiredPeers;
  private final List<String> tags;
  private final List<String> examples;

  private Capability(
      String name,
      Class<Q> requestType,
      Class<R> responseType,
      AsyncCapabilityHandler<Q, R> asyncHandler,
      CapabilityHandler<Q, R> syncHandler,
      String description,
      int maxInFlight,
      int mailboxCapacity,
      Duration timeout,
      boolean blocking,
      boolean idempotent,
      List<SpiffeIdPattern> requiredPeers,
      List<String> tags,
      List<String> examples) {
    this.name = name;
    this.requestType = requestType;
    this.responseType = responseType;
    this.asyncHandler = asyncHandler;
    this.syncHandler = syncHandler;
    this.description = description;
    this.maxInFlight = maxInFlight;
    this.mailboxCapacity = mailboxCapacity;
    this.timeout = timeout;
    this.blocking = blocking;
    this.idempotent = idempotent;
    this.requiredPeers = requiredPeers;
    this.tags = tags;
    this.examples = examples;
  }

  /**
   * A capability whose handler answers with a value.
   *
   * @param name the capability name, matching {@code ^[a-z][a-z0-9_]*$}
   * @param requestType the request type
   * @param responseType the response type
   * @param handler the handler
   * @param <Q> the request type
   * @param <R> the response type
   * @return the capability with default options
   * @throws IllegalArgumentException if the name is not valid
   */
  public static <Q, R> Capability<Q, R> of(
      String name, Class<Q> requestType, Class<R> responseType, CapabilityHandler<Q, R> handler) {
    requireNonNull(handler, "handler");
    return create(name, requestType, responseType, null, handler);
  }

  /**
   * A capability whose handler answers with a {@link java.util.concurrent.CompletionStage}.
   *
   * @param name the capability name, matching {@code ^[a-z][a-z0-9_]*$}
   * @param requestType the request type
   * @param responseType the response type
   * @param handler the handler
   * @param <Q> the request type
   * @param <R> the response type
   * @return the capability with default options
   * @throws IllegalArgumentException if the name is not valid
   */
  public static <Q, R> Capability<Q, R> ofAsync(
      String name,
      Class<Q> requestType,
      Class<R> responseType,
      AsyncCapabilityHandler<Q, R> handler) {
    requireNonNull(handler, "handler");
    return create(name, requestType, responseType, handler, null);
  }

  /**
   * A capability that takes and returns a stream of bytes. The handler receives the request's bytes
   * as they arrive and answers with the source of the response's bytes; across nodes both travel as
   * chunked HTTP with backpressure, so neither side holds the whole payload. The capability's
   * in-flight limit and timeout cover the handler until it returns its source; the streams then run
   * at the pace of their consumers.
   *
   * <pre>{@code
   * Capability.streaming("upper", (ctx, in) -> in.map(ByteString::toUpperCase))
   * }</pre>
   *
   * @param name the capability name, matching {@code ^[a-z][a-z0-9_]*$}
   * @param handler maps the request bytes to the response bytes
   * @return the capability with default options
   * @throws IllegalArgumentException if the name is not valid
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Capability<
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>,
          org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>>
      streaming(String name, StreamHandler handler) {
    requireNonNull(handler, "handler");
    Class<org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?>> type =
        (Class) org.apache.pekko.stream.javadsl.Source.class;
    return create(name, type, type, null, handler::handle);
  }

  /** The handler of a {@linkplain #streaming streaming} capability. */
  @FunctionalInterface
  public interface StreamHandler {
    /**
     * Maps a request stream to a response stream.
     *
     * @param context the call
     * @param request the request's bytes, as they arrive
     * @return the response's bytes
     * @throws Exception a {@link CapabilityException} refuses the request with its message
     */
    org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> handle(
        CallContext context,
        org.apache.pekko.stream.javadsl.Source<org.apache.pekko.util.ByteString, ?> request)
        throws Exception;
  }

  private static <Q, R> Capability<Q, R> create(
      String name,
      Class<Q> requestType,
      Class<R> responseType,
      AsyncCapabilityHandler<Q, R> async,
      CapabilityHandler<Q, R> sync) {
    requireNonNull(name, "name");
    requireNonNull(requestType, "requestType");
    requireNonNull(responseType, "responseType");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "capability name: '" + name + "' (expected: ^[a-z][a-z0-9_]*$, at most 63 characters)");
    }
    return new Capability<>(
        name,
        requestType,
        responseType,
        async,
        sync,
        "",
        DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_MAILBOX_CAPACITY,
        null,
        false,
        false,
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * A copy with a description (shown in agent cards).
   *
   * @param value the description
   * @return the copy
   */
  public Capability<Q, R> withDescription(String value) {
    requireNonNull(value, "description");
    return copy(c -> c.description = value);
  }

  /**
   * A copy with keywords for the capability's skill in agent cards.
   *
   * @param values the tags, none blank
   * @return the copy
   * @throws IllegalArgumentException if a tag is blank
   */
  public Capability<Q, R> withTags(String... values) {
    List<String> copy = nonBlank("tag", values);
    return copy(c -> c.tags = copy);
  }

  /**
   * A copy with example prompts for the capability's skill in agent cards.
   *
   * @param values the examples, none blank
   * @return the copy
   * @throws IllegalArgumentException if an example is blank
   */
  public Capability<Q, R> withExamples(String... values) {
    List<String> copy = nonBlank("example", values);
    return copy(c -> c.examples = copy);
  }

  private static List<String> nonBlank(String what, String... values) {
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(what + ": must not be blank or null");
      }
    }
    return List.of(values);
  }

  /**
   * A copy with a maximum number of handlers in flight at once; further requests wait in the
   * mailbox.
   *
   * @param value at least 1
   * @return the copy
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public Capability<Q, R> withMaxInFlight(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("maxInFlight: " + value + " (expected: >= 1)");
    }
    return copy(c -> c.maxInFlight = value);
  }

  /**
   * A copy with a mailbox capacity: the number of accepted requests that may wait to start. When it
   * is full, calls fail at once with {@link OverloadedException}.
   *
   * @param value at least 1
   * @return the copy
   * @throws IllegalArgumentException if {@code value < 1}
   */
  public Capability<Q, R> withMailboxCapacity(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("mailboxCapacity: " + value + " (expected: >= 1)");
    }
    return copy(c -> c.mailboxCapacity = value);
  }

  /**
   * A copy with a timeout: a call fails with {@link DeadlineExceededException} when the handler has
   * not answered within it, even if the caller would wait longer.
   *
   * @param value a positive duration
   * @return the copy
   * @throws IllegalArgumentException if the duration is not positive
   */
  public Capability<Q, R> withTimeout(Duration value) {
    requireNonNull(value, "timeout");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("timeout: " + value + " (expected: > 0)");
    }
    return copy(c -> c.timeout = value);
  }

  /**
   * A copy that runs its handler on the node's blocking dispatcher ({@code
   * server.blocking_pool_size} threads), for handlers that block on I/O or compute for long: the
   * counterpart of Python's {@code run_in_executor}. Such handlers cannot starve other
   * capabilities.
   *
   * @param value whether the handler blocks
   * @return the copy
   */
  public Capability<Q, R> withBlocking(boolean value) {
    return copy(c -> c.blocking = value);
  }

  /**
   * A copy marked idempotent: running it twice has the effect of running it once, so cross-node
   * calls may be retried after a failure in flight.
   *
   * @param value whether the capability is idempotent
   * @return the copy
   */
  public Capability<Q, R> withIdempotent(boolean value) {
    return copy(c -> c.idempotent = value);
  }

  /**
   * A copy that admits only callers matching at least one of the patterns (checked inbound, after
   * policy, before the handler runs). An empty list admits every caller the policy allows.
   *
   * @param patterns SPIFFE ID globs in which {@code *} does not cross {@code /}
   * @return the copy
   * @throws IllegalArgumentException if a pattern is not valid
   */
  public Capability<Q, R> withRequiredPeers(String... patterns) {
    List<SpiffeIdPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(SpiffeIdPattern.of(p));
    }
    return copy(c -> c.requiredPeers = List.copyOf(parsed));
  }

  /**
   * A copy with the same name, types and options whose handler is the given one: for code that
   * wraps a capability's handler (keyed agents route their calls this way).
   *
   * @param handler the new handler
   * @return the copy
   */
  public Capability<Q, R> withAsyncHandler(AsyncCapabilityHandler<Q, R> handler) {
    requireNonNull(handler, "handler");
    return new Capability<>(
        name,
        requestType,
        responseType,
        handler,
        null,
        description,
        maxInFlight,
        mailboxCapacity,
        timeout,
        blocking,
        idempotent,
        requiredPeers,
        tags,
        examples);
  }

  /** The options a copy may change; every withX copies them, changes one, and builds. */
  private static final class Options {
    String description;
    int maxInFlight;
    int mailboxCapacity;
    Duration timeout;
    boolean blocking;
    boolean idempotent;
    List<SpiffeIdPattern> requiredPeers;
    List<String> tags;
    List<String> examples;
  }

  private Capability<Q, R> copy(java.util.function.Consumer<Options> change) {
    Options o = new Options();
    o.description = description;
    o.maxInFlight = maxInFlight;
    o.mailboxCapacity = mailboxCapacity;
    o.timeout = timeout;
    o.blocking = blocking;
    o.idempotent = idempotent;
    o.requiredPeers = requiredPeers;
    o.tags = tags;
    o.examples = examples;
    change.accept(o);
    return new Capability<>(
        name,
        requestType,
        responseType,
        asyncHandler,
        syncHandler,
        o.description,
        o.maxInFlight,
        o.mailboxCapacity,
        o.timeout,
        o.blocking,
        o.idempotent,
        o.requiredPeers,
        o.tags,
        o.examples);
  }

  /** The tags of its skill in agent cards. */
  public List<String> tags() {
    return tags;
  }

  /** The examples of its skill in agent cards. */
  public List<String> examples() {
    return examples;
  }

  /** The capability name (the {@code action} of calls). */
  public String name() {
    return name;
  }

  /** The request type. */
  public Class<Q> requestType() {
    return requestType;
  }

  /** The response type. */
  public Class<R> responseType() {
    return responseType;
  }

  /** The description. */
  public String description() {
    return description;
  }

  /** The maximum number of handlers in flight. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The mailbox capacity. */
  public int mailboxCapacity() {
    return mailboxCapacity;
  }

  /** The capability's own timeout, if any. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Whether the handler runs on the blocking dispatcher. */
  public boolean blocking() {
    return blocking;
  }

  /** Whether the capability is idempotent. */
  public boolean idempotent() {
    return idempotent;
  }

  /** The required peer patterns (any one must match); empty when every allowed caller may call. */
  public List<SpiffeIdPattern> requiredPeers() {
    return requiredPeers;
  }

  /**
   * Runs the handler. Used by the runtime; a synchronous handler's value comes back as a completed
   * stage.
   *
   * @param ctx the call context
   * @param request the request
   * @return the response stage
   * @throws Exception whatever the handler throws
   */
  public java.util.concurrent.CompletionStage<R> invoke(CallContext ctx, Q request)
      throws Exception {
    if (syncHandler != null) {
      return CompletableFuture.completedFuture(syncHandler.handle(ctx, request));
    }
    java.util.concurrent.CompletionStage<R> stage = asyncHandler.handle(ctx, request);
    if (stage == null) {
      throw new IllegalStateException("handler of '" + name + "' returned a null stage");
    }
    return stage;
  }

  @Override
  public String toString() {
    return "Capability["
        + name
        + ", "
        + requestType.getSimpleName()
        + " -> "
        + responseType.getSimpleName()
        + "]";
  }
}
