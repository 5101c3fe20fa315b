package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.KeyedCapability;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.NotFoundException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.EntityRouter;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One hosted keyed agent. On the node that takes a call, its capabilities are ordinary capability
 * actors (the "front": inbound authorization, peers, limits, mailbox, deadline) whose handler takes
 * the key from the request and sends the call to the key's entity through the {@link EntityRouter}.
 * On the entity's node, {@link #handle} authorizes the call again with the caller the call carries
 * and runs the keyed handler on the key's state.
 */
public final class KeyedAgentRuntime implements KeyedAgentHost {
  private final MeshRuntime runtime;
  private final KeyedAgent<Object> keyed;
  private final SpiffeId id;
  private final Agent front;
  private final Map<String, KeyedCapability<Object, Object, Object>> capabilities =
      new LinkedHashMap<>();
  private volatile AgentRuntime agent;

  @SuppressWarnings("unchecked")
  KeyedAgentRuntime(MeshRuntime runtime, KeyedAgent<?> declared, SpiffeId id) {
    this.runtime = runtime;
    this.keyed = (KeyedAgent<Object>) declared;
    this.id = id;
    Agent a = Agent.of(declared.name()).withDescription(declared.description());
    if (declared.trustDomain().isPresent()) {
      a = a.withTrustDomain(declared.trustDomain().get());
    }
    for (KeyedCapability<Object, ?, ?> c : keyed.capabilities()) {
      KeyedCapability<Object, Object, Object> cap = (KeyedCapability<Object, Object, Object>) c;
      capabilities.put(cap.name(), cap);
      a = a.withCapability(cap.routedBy((ctx, request) -> route(cap, ctx, request)));
    }
    this.front = a;
  }

  /** The plain agent that takes this agent's calls on this node. */
  Agent front() {
    return front;
  }

  void bind(AgentRuntime runtimeOfFront) {
    this.agent = runtimeOfFront;
  }

  @Override
  public SpiffeId spiffeId() {
    return id;
  }

  @Override
  public Optional<Duration> passivation() {
    return keyed.passivation();
  }

  @Override
  public Object newState(String key) {
    return keyed.newState(key);
  }

  // ---- the node that took the call ------------------------------------------------------------

  private CompletionStage<Object> route(
      KeyedCapability<Object, Object, Object> cap,
      dev.agentweave.mesh.CallContext ctx,
      Object request) {
    EntityRouter router = runtime.entityRouter();
    if (router == null) {
      return CompletableFuture.failedFuture(
          new UnavailableException("keyed agent " + id + ": no entity router on this node"));
    }
    String key = cap.keyOf(request);
    byte[] body;
    try {
      body = runtime.json().writeValueAsBytes(request);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(Json.cannotWrite(cap.name(), id, e)));
    }
    EntityCall call =
        new EntityCall(
            id,
            key,
            ctx.caller(),
            cap.name(),
            body,
            ctx.remaining(),
            ctx.requestId(),
            cap.idempotent());
    return router
        .ask(call)
        .thenApply(
            bytes -> {
              try {
                return runtime.json().readValue(bytes, cap.responseType());
              } catch (java.io.IOException e) {
                throw new InternalErrorException(
                    Json.doesNotMap("response of", cap.name(), id, cap.responseType(), e));
              }
            });
  }

  // ---- the entity's node ----------------------------------------------------------------------

  @Override
  public CompletionStage<byte[]> handle(Object state, EntityCall call) {
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    long deadline = System.nanoTime() + call.timeout().toNanos();
    AgentRuntime host = agent;
    CapabilityRuntime front = host.capabilities().get(call.action());
    MeshMeters.ActionMeters am =
        front != null ? front.authzMeters() : runtime.meters().undeclared(Direction.INBOUND);
    runtime.authorize(
        new AuthzRequest(call.caller(), id, call.action(), Direction.INBOUND),
        am,
        () -> {
          if (front == null) {
            out.completeExceptionally(
                new NotFoundException(
                    "agent "
                        + id
                        + " has no capability '"
                        + Bounded.shown(call.action())
                        + "' (it has: "
                        + String.join(", ", capabilities.keySet())
                        + ")"));
            return;
          }
          run(capabilities.get(call.action()), front, state, call, deadline, out);
        },
        out::completeExceptionally);
    return out;
  }

  private void run(
      KeyedCapability<Object, Object, Object> cap,
      CapabilityRuntime front,
      Object state,
      EntityCall call,
      long deadline,
      CompletableFuture<byte[]> out) {
    PermissionDeniedException refused = front.refusePeer(call.caller());
    if (refused != null) {
      out.completeExceptionally(refused);
      return;
    }
    if (deadline - System.nanoTime() <= 0) {
      out.completeExceptionally(
          new DeadlineExceededException(
              "'"
                  + cap.name()
                  + "' of "
                  + id
                  + " for key '"
                  + call.key()
                  + "': deadline passed before the handler started"));
      return;
    }
    Object request;
    try {
      request = runtime.json().readValue(call.request(), cap.requestType());
    } catch (java.io.IOException e) {
      out.completeExceptionally(
          new InvalidRequestException(
              Json.doesNotMap("request for", cap.name(), id, cap.requestType(), e)));
      return;
    }
    CallContextImpl ctx = new CallContextImpl(front, call.caller(), call.requestId(), deadline);
    Runnable invoke = () -> invoke(cap, front, ctx, state, request, out);
    if (cap.blocking()) {
      try {
        runtime.blockingExecutor().execute(invoke);
      } catch (RuntimeException rejected) {
        out.completeExceptionally(
            new UnavailableException(
                "'" + cap.name() + "' of " + id + ": the blocking dispatcher refused the call"));
      }
    } else {
      invoke.run();
    }
  }

  private void invoke(
      KeyedCapability<Object, Object, Object> cap,
      CapabilityRuntime front,
      CallContextImpl ctx,
      Object state,
      Object request,
      CompletableFuture<byte[]> out) {
    try {
      Object response = cap.invoke(ctx, state, request);
      out.complete(runtime.json().writeValueAsBytes(response));
    } catch (Throwable t) {
      MeshException mapped =
          CapabilityRuntime.mapFailure(
              t, front.logger(), cap.name(), id, ctx.requestId(), ctx.caller());
      out.completeExceptionally(mapped);
    }
  }
}
