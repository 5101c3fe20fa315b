package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.KeyedCapability;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.CallOrigin;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.spi.EntityCall;
import dev.agentweave.mesh.spi.JsonBody;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@link CallPipeline}'s entrance on the node that runs a keyed agent's entity: the envelope of
 * a call routed to the key's entity (cluster sharding) runs intercept, inbound authorization with
 * the caller the call carries, capability lookup, required peers, deadline, request mapping and the
 * keyed handler on the key's state, and answers in the node's JSON ({@link WireCodec}).
 * Thread-safe.
 */
final class EntityStage {
  private final CallPipeline pipeline;
  private final MeshRuntime runtime;
  private final AuthorizationStage authorization;
  private final MeshMeters meters;
  private final WireCodec codec;

  EntityStage(
      CallPipeline pipeline,
      MeshRuntime runtime,
      AuthorizationStage authorization,
      MeshMeters meters,
      WireCodec codec) {
    this.pipeline = pipeline;
    this.runtime = runtime;
    this.authorization = authorization;
    this.meters = meters;
    this.codec = codec;
  }

  /**
   * A keyed agent's call on the node that runs the entity of its key: intercept, inbound
   * authorization with the caller the call carries, capability lookup, required peers, deadline,
   * request mapping, then the keyed handler on the key's state (on the blocking dispatcher when the
   * capability blocks); the response as JSON.
   */
  CompletionStage<byte[]> handle(KeyedAgentRuntime host, Object state, EntityCall call) {
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    PipelineCall info =
        new PipelineCall(
            pipeline,
            CallOrigin.ENTITY,
            call.caller(),
            host.spiffeId(),
            call.action(),
            call.request(),
            call.requestId(),
            null);
    pipeline.intercept(info, out);
    long deadline = System.nanoTime() + call.timeout().toNanos();
    AgentRuntime front = host.front();
    CapabilityRuntime cap = front.capabilities().get(call.action());
    MeshMeters.ActionMeters am =
        cap != null ? cap.authzMeters() : meters.undeclared(Direction.INBOUND);
    authorization.authorize(
        new AuthzRequest(call.caller(), host.spiffeId(), call.action(), Direction.INBOUND),
        am,
        () -> {
          KeyedCapability<Object, Object, Object> keyed = host.capability(call.action());
          if (cap == null || keyed == null) {
            out.completeExceptionally(
                Failures.noCapability(host.spiffeId(), call.action(), front.capabilityNames()));
            return;
          }
          runEntity(host, keyed, cap, state, call, info, deadline, out);
        },
        out::completeExceptionally);
    return out;
  }

  private void runEntity(
      KeyedAgentRuntime host,
      KeyedCapability<Object, Object, Object> keyed,
      CapabilityRuntime cap,
      Object state,
      EntityCall call,
      PipelineCall info,
      long deadline,
      CompletableFuture<byte[]> out) {
    PermissionDeniedException refused = cap.refusePeer(call.caller());
    if (refused != null) {
      out.completeExceptionally(refused);
      return;
    }
    if (deadline - System.nanoTime() <= 0) {
      out.completeExceptionally(
          new DeadlineExceededException(
              "'"
                  + keyed.name()
                  + "' of "
                  + host.spiffeId()
                  + " for key '"
                  + call.key()
                  + "': deadline passed before the handler started"));
      return;
    }
    Object request;
    try {
      request =
          codec.decodeRequest(
              new JsonBody(call.request()),
              keyed.requestType(),
              keyed.name(),
              host.spiffeId(),
              cap.meters()::payloadSize);
    } catch (InvalidRequestException e) {
      out.completeExceptionally(e);
      return;
    }
    CallContextImpl ctx = new CallContextImpl(cap, info, deadline);
    Runnable invoke =
        () -> {
          try {
            Object response = keyed.invoke(ctx, state, request);
            out.complete(codec.encodeResponse(response, keyed.name(), host.spiffeId()));
          } catch (Throwable t) {
            out.completeExceptionally(
                Failures.handlerFailure(
                    t, cap.logger(), keyed.name(), host.spiffeId(), ctx.requestId(), ctx.caller()));
          }
        };
    if (!keyed.blocking()) {
      invoke.run();
      return;
    }
    Executor blocking = runtime.blockingExecutor();
    try {
      blocking.execute(invoke);
    } catch (RuntimeException rejected) {
      out.completeExceptionally(
          new UnavailableException(
              "'"
                  + keyed.name()
                  + "' of "
                  + host.spiffeId()
                  + ": the blocking dispatcher refused the call"));
    }
  }
}
