package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.InboundCalls;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** {@link InboundCalls} of one node: the transports' entrance to the {@link CallPipeline}. */
final class InboundCallsImpl implements InboundCalls {
  private final MeshRuntime runtime;

  InboundCallsImpl(MeshRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public CompletionStage<byte[]> call(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId) {
    CallFuture<Object> answer = deliver(caller, target, action, request, timeout, requestId);
    WireCodec codec = runtime.codec();
    return answer.thenApply(value -> codec.encodeResponse(value, action, target));
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletionStage<Source<ByteString, ?>> stream(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Source<ByteString, ?> request,
      Duration timeout,
      String requestId) {
    requireNonNull(request, "request");
    return deliver(caller, target, action, request, timeout, requestId)
        .thenApply(
            value -> {
              if (value instanceof Source<?, ?> bytes) {
                return (Source<ByteString, ?>) bytes;
              }
              throw new InvalidRequestException(
                  "'" + action + "' of " + target + " is not a streaming capability");
            });
  }

  private CallFuture<Object> deliver(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId) {
    requireNonNull(caller, "caller");
    requireNonNull(target, "target");
    requireNonNull(action, "action");
    requireNonNull(timeout, "timeout");
    CallFuture<Object> future = new CallFuture<>(runtime, Object.class, action);
    runtime.pipeline().inbound(caller, target, action, request, timeout, requestId, future);
    return future;
  }

  @Override
  public CompletionStage<Void> tell(
      SpiffeId caller,
      SpiffeId target,
      String action,
      Object request,
      Duration timeout,
      String requestId) {
    requireNonNull(caller, "caller");
    requireNonNull(target, "target");
    requireNonNull(action, "action");
    requireNonNull(timeout, "timeout");
    TellSink sink = new TellSink();
    runtime.pipeline().inbound(caller, target, action, request, timeout, requestId, sink);
    return sink.acceptance;
  }

  @Override
  public boolean isIdempotent(SpiffeId target, String action) {
    AgentRuntime agent = runtime.hosted(target);
    if (agent == null) {
      return false;
    }
    CapabilityRuntime cap = agent.capabilities().get(action);
    return cap != null && cap.capability().idempotent();
  }

  @Override
  public ObjectMapper json() {
    return runtime.json();
  }
}
