package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.CallInterceptor;
import dev.agentweave.mesh.spi.CallOrigin;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.RemoteRoute;
import dev.agentweave.mesh.spi.RemoteTransport;
import dev.agentweave.mesh.support.Completions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path of every call on a node, whatever its entrance: an {@code AgentRef} here ({@link
 * #outbound}), a transport ({@link #inbound}: the gateway's internal endpoint, {@code POST /task})
 * or a keyed agent's entity ({@link #entity}). Entrances only build the call; the stages, in order:
 *
 * <ol>
 *   <li>{@link #intercept intercept}: the {@link CallInterceptor}s learn of the call, once;
 *   <li>{@link #admit admit}: a draining node takes calls only from its own handlers;
 *   <li>{@link #deadline deadline}: the caller's timeout, bounded by an inherited deadline;
 *   <li>{@link #limit limit}: the calling agent's concurrency limit towards the target (asks);
 *   <li>{@link #resolve resolve}: where the target runs ({@link Route}), decided once;
 *   <li>{@link #authorizeOutbound authorize outbound} (calls from agents of this node);
 *   <li>{@link #send send}: by route: this node's agent, the remote transport, or not found;
 *   <li>{@link #authorizeInbound authorize inbound} (before anything about the target leaks);
 *   <li>{@link #admitToCapability capability}: required peers, request mapping, the capability's
 *       own timeout, mailbox admission, then dispatch to the capability's actor;
 *   <li>{@link #complete complete}: the handler's outcome mapped for the caller, meters.
 * </ol>
 *
 * A keyed entity's call runs intercept, authorize inbound, capability lookup, peers, deadline,
 * mapping and dispatch on the entity ({@link #entity}). Thread-safe.
 */
final class CallPipeline {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.node");

  private final MeshRuntime runtime;
  private final Resolver resolver;
  private final AuthorizationStage authorization;
  private final MeshMeters meters;
  private final WireCodec codec;
  private final List<CallInterceptor> interceptors;
  private final EntityStage entities;

  CallPipeline(
      MeshRuntime runtime,
      Resolver resolver,
      AuthorizationStage authorization,
      MeshMeters meters,
      WireCodec codec,
      List<CallInterceptor> interceptors) {
    this.runtime = runtime;
    this.resolver = resolver;
    this.authorization = authorization;
    this.meters = meters;
    this.codec = codec;
    this.interceptors = List.copyOf(interceptors);
    this.entities = new EntityStage(this, runtime, authorization, meters, codec);
  }

  Resolver resolver() {
    return resolver;
  }

  AuthorizationStage authorization() {
    return authorization;
  }

  // ---- entrances -------------------------------------------------------------------------------

  /**
   * A call of an agent of this node ({@code AgentRef.ask} or {@code tell}).
   *
   * @param sink a {@link CallFuture} for an ask, a {@link TellSink} for a tell
   * @param inheritedDeadline the deadline of the handler that makes the call, or 0
   * @param ownLimit the ref's own concurrency limit, or {@code null} for the agent's shared one
   */
  void outbound(
      AgentRuntime callerAgent,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      long inheritedDeadline,
      Bulkhead ownLimit,
      boolean fromHandler,
      ReplySink sink) {
    PipelineCall call =
        new PipelineCall(
            this,
            fromHandler ? CallOrigin.HANDLER : CallOrigin.REF,
            callerAgent.spiffeId(),
            target,
            action,
            request,
            null,
            sink);
    intercept(call, outcomeOf(sink));
    if (!admit(call) || !deadline(call, timeout, inheritedDeadline)) {
      return;
    }
    if (call.future != null) {
      call.limit = ownLimit != null ? ownLimit : callerAgent.outboundLimit(target);
      limit(call);
      return;
    }
    resolve(call);
  }

  /**
   * A call that arrived from outside the process, with its caller authenticated by the transport.
   * It is delivered only to an agent hosted here, never forwarded to a further node.
   */
  void inbound(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId,
      ReplySink sink) {
    PipelineCall call =
        new PipelineCall(
            this, CallOrigin.INBOUND, caller, target, action, request, requestId, sink);
    intercept(call, outcomeOf(sink));
    if (!admit(call) || !deadline(call, timeout, 0L)) {
      return;
    }
    AgentRuntime agent = resolver.hosted(target);
    if (agent != null) {
      call.route = agent.route();
      send(call);
      return;
    }
    // Not hosted here: authorize first, so that an unauthorized caller learns nothing.
    authorization.authorize(
        new AuthzRequest(caller, target, action, Direction.INBOUND),
        meters.undeclared(Direction.INBOUND),
        () -> sink.fail(new NotFoundException("agent " + target + " is not hosted on this node")),
        sink::fail);
  }

  // ---- stages ----------------------------------------------------------------------------------

  /** Stage: the interceptors learn of the call; their observers learn its outcome. */
  void intercept(PipelineCall call, CompletionStage<?> outcome) {
    if (interceptors.isEmpty()) {
      return;
    }
    List<CallInterceptor.Observer> observers = new ArrayList<>(interceptors.size());
    for (CallInterceptor i : interceptors) {
      try {
        CallInterceptor.Observer o = i.onCall(call);
        if (o != null) {
          observers.add(o);
        }
      } catch (RuntimeException e) {
        LOG.warn("call interceptor {} failed on {}; skipped", i, call, e);
      }
    }
    if (observers.isEmpty()) {
      return;
    }
    outcome.whenComplete((v, e) -> observed(observers, call, e));
  }

  /** When the call's outcome is known: an ask's answer, a tell's end (its acceptance elsewhere). */
  private CompletionStage<?> outcomeOf(ReplySink sink) {
    if (interceptors.isEmpty()) {
      return null;
    }
    return sink instanceof CompletionStage<?> s ? s : ((TellSink) sink).outcome();
  }

  private static void observed(
      List<CallInterceptor.Observer> observers, PipelineCall call, Throwable error) {
    Throwable failure = error == null ? null : Completions.unwrap(error);
    for (CallInterceptor.Observer o : observers) {
      try {
        o.onComplete(call, failure);
      } catch (RuntimeException e) {
        LOG.warn("call observer {} failed on {}; skipped", o, call, e);
      }
    }
  }

  /** Stage: whether the node takes the call (a draining node only from its own handlers). */
  private boolean admit(PipelineCall call) {
    if (runtime.acceptsCalls(call.origin == CallOrigin.HANDLER)) {
      return true;
    }
    call.sink.fail(runtime.notAccepting());
    return false;
  }

  /** Stage: the call's deadline, the caller's timeout bounded by the inherited deadline. */
  private boolean deadline(PipelineCall call, Duration timeout, long inheritedDeadline) {
    long now = System.nanoTime();
    long deadline = now + Math.max(0, timeout.toNanos());
    boolean inherited = false;
    if (inheritedDeadline != 0 && inheritedDeadline - deadline < 0) {
      deadline = inheritedDeadline;
      inherited = true;
    }
    call.deadlineNanos = deadline;
    if (inherited && deadline - now <= 0) {
      call.sink.fail(
          new DeadlineExceededException(
              "no time left to call '"
                  + call.action
                  + "' on "
                  + call.target
                  + " (inherited deadline passed)"));
      return false;
    }
    if (call.future != null) {
      call.future.armCallerDeadline(deadline, call.target, timeout, inherited);
    }
    return true;
  }

  /** Stage: the calling agent's concurrency limit; resolution follows when a permit is granted. */
  private void limit(PipelineCall call) {
    OverloadedException refused = call.limit.acquire(call);
    if (refused != null) {
      call.sink.fail(refused);
    }
  }

  /** Stage: where the target runs, decided once; then outbound authorization. */
  void resolve(PipelineCall call) {
    call.route = resolver.resolve(call.target);
    authorizeOutbound(call);
  }

  /** Stage: may this node's agent make the call? */
  private void authorizeOutbound(PipelineCall call) {
    authorization.authorize(
        new AuthzRequest(call.caller, call.target, call.action, Direction.OUTBOUND),
        meters.actionMeters(Direction.OUTBOUND, call.action),
        () -> send(call),
        call.sink::fail);
  }

  /** Stage: the call goes where it was resolved to. */
  private void send(PipelineCall call) {
    Route route = call.route;
    if (route instanceof Route.Local local) {
      authorizeInbound(call, local.agent());
    } else if (route instanceof Route.Remote remote) {
      sendRemote(call, remote.route());
    } else {
      call.sink.fail(
          new NotFoundException(
              "agent "
                  + call.target
                  + " is not hosted on this node"
                  + ((Route.Unknown) route).hint()));
    }
  }

  /** Stage: may the caller call the hosted agent? Unknown capabilities are told only if so. */
  private void authorizeInbound(PipelineCall call, AgentRuntime agent) {
    agent.meters().received();
    CapabilityRuntime cap = agent.capabilities().get(call.action);
    MeshMeters.ActionMeters am =
        cap != null ? cap.authzMeters() : meters.undeclared(Direction.INBOUND);
    long acceptedAt = System.nanoTime();
    authorization.authorize(
        new AuthzRequest(call.caller, agent.spiffeId(), call.action, Direction.INBOUND),
        am,
        () -> {
          if (cap == null) {
            agent.meters().failed(ErrorCode.NOT_FOUND);
            call.sink.fail(
                Failures.noCapability(agent.spiffeId(), call.action, agent.capabilityNames()));
            return;
          }
          admitToCapability(call, cap, acceptedAt);
        },
        denied -> {
          agent.meters().failed(denied.code());
          call.sink.fail(denied);
        });
  }

  /**
   * Stage: required peers, request mapping, the capability's own timeout, mailbox admission, then
   * dispatch into the capability's actor.
   */
  private void admitToCapability(PipelineCall call, CapabilityRuntime cap, long acceptedAt) {
    ReplySink sink = call.sink;
    PermissionDeniedException refused = cap.refusePeer(call.caller);
    if (refused != null) {
      failAt(cap, sink, refused, acceptedAt);
      return;
    }
    Object mapped;
    try {
      mapped = cap.mapRequest(call.request);
    } catch (InvalidRequestException e) {
      failAt(cap, sink, e, acceptedAt);
      return;
    }
    long deadline = call.deadlineNanos;
    long own = cap.ownDeadline(acceptedAt);
    if (own != 0 && own - deadline < 0) {
      deadline = own;
      sink.armDeadline(own, cap.timeoutMessage());
    }
    if (!cap.tryEnterMailbox()) {
      failAt(cap, sink, cap.mailboxFull(), acceptedAt);
      return;
    }
    runtime.admitted();
    CallContextImpl ctx = new CallContextImpl(cap, call, deadline);
    cap.dispatch(new Envelope(ctx, mapped, sink, acceptedAt));
    sink.accepted();
  }

  private static void failAt(
      CapabilityRuntime cap, ReplySink sink, MeshException error, long acceptedAt) {
    cap.meters().record(System.nanoTime() - acceptedAt);
    cap.agent().meters().failed(error.code());
    sink.fail(error);
  }

  /** Stage: the remote transport sends the call to the gateways it was resolved to. */
  private void sendRemote(PipelineCall call, RemoteRoute route) {
    RemoteTransport remote = resolver.transport();
    ReplySink sink = call.sink;
    Duration left = Duration.ofNanos(Math.max(0, call.deadlineNanos - System.nanoTime()));
    String id = call.requestId();
    try {
      if (call.request instanceof Source<?, ?> stream) {
        @SuppressWarnings("unchecked")
        Source<ByteString, ?> bytes = (Source<ByteString, ?>) stream;
        remote.stream(route, call.caller, call.action, bytes, left, id)
            .whenComplete((r, e) -> settle(sink, r, e));
        return;
      }
      byte[] body;
      try {
        body = codec.encodeRequest(call.request, call.action, call.target);
      } catch (InvalidRequestException e) {
        sink.fail(e);
        return;
      }
      if (call.tell) {
        remote
            .tell(route, call.caller, call.action, body, left, id)
            .whenComplete(
                (ok, e) -> {
                  if (e != null) {
                    sink.fail(Completions.unwrap(e));
                  } else {
                    // accepted by the other node: all a tell's caller learns of its outcome
                    sink.succeed(null);
                  }
                });
      } else {
        remote
            .ask(route, call.caller, call.action, body, left, id)
            .whenComplete((bytes, e) -> settle(sink, bytes == null ? null : new RawJson(bytes), e));
      }
    } catch (RuntimeException e) {
      sink.fail(e);
    }
  }

  private static void settle(ReplySink sink, Object value, Throwable error) {
    if (error != null) {
      sink.fail(Completions.unwrap(error));
    } else {
      sink.succeed(value);
    }
  }

  /** Stage: a handler finished; its outcome goes to the caller. Idempotent. */
  void complete(CapabilityRuntime cap, Envelope env, Object value, Throwable error) {
    finish(
        cap,
        env,
        value,
        error == null
            ? null
            : Failures.handlerFailure(
                error,
                cap.logger(),
                cap.name(),
                cap.agent().spiffeId(),
                env.ctx.requestId(),
                env.ctx.caller()));
  }

  /**
   * Stage: the pipeline ends a dispatched call itself before its handler answered (the caller
   * stopped waiting, the deadline passed, the node stopped); the failure reaches the caller as it
   * is. Idempotent.
   */
  void fail(CapabilityRuntime cap, Envelope env, MeshException failure) {
    finish(cap, env, null, failure);
  }

  private void finish(CapabilityRuntime cap, Envelope env, Object value, MeshException failure) {
    if (!env.markFinished()) {
      return;
    }
    runtime.finished();
    long took = System.nanoTime() - env.acceptedAtNanos;
    cap.meters().record(took);
    if (failure == null) {
      cap.agent().meters().succeeded();
      env.sink.succeed(value);
      return;
    }
    cap.agent().meters().failed(failure.code());
    env.sink.fail(failure);
  }

  /** Fails an envelope whose deadline passed before its handler started. */
  void expire(CapabilityRuntime cap, Envelope env) {
    fail(
        cap,
        env,
        new DeadlineExceededException(
            "'"
                + cap.name()
                + "' of "
                + cap.agent().spiffeId()
                + ": deadline passed before the handler started"));
  }

  // ---- the entity's node -----------------------------------------------------------------------

  /** A keyed agent's call on the node that runs the entity of its key (see {@link EntityStage}). */
  CompletionStage<byte[]> entity(KeyedAgentRuntime host, Object state, EntityCall call) {
    return entities.handle(host, state, call);
  }
}
