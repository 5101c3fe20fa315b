package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.KeyedCapability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.EntityRouter;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import dev.agentweave.mesh.support.Completions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
  Agent frontDeclaration() {
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
          Failures.delivered(
              new UnavailableException("keyed agent " + id + ": no entity router on this node")));
    }
    String key;
    byte[] body;
    try {
      key = cap.keyOf(request);
      body = runtime.codec().encodeRequest(request, cap.name(), id);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(Failures.delivered(e));
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
        .handle(
            (bytes, error) -> {
              if (error != null) {
                throw new CompletionException(Failures.delivered(Completions.unwrap(error)));
              }
              try {
                return runtime.codec().decodeResponse(bytes, cap.responseType(), cap.name(), id);
              } catch (RuntimeException e) {
                throw Failures.delivered(e);
              }
            });
  }

  // ---- the entity's node ----------------------------------------------------------------------

  @Override
  public CompletionStage<byte[]> handle(Object state, EntityCall call) {
    return runtime.pipeline().entity(this, state, call);
  }

  /** The runtime of the front, whose capabilities hold this agent's options and meters. */
  AgentRuntime front() {
    return agent;
  }

  /** The keyed capability with the given name, or {@code null}. */
  KeyedCapability<Object, Object, Object> capability(String name) {
    return capabilities.get(name);
  }
}
