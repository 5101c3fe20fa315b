package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.DeadlineExceededException;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.config.MeshSettings.CapabilitySettings;
import dev.agentweave.mesh.spi.Direction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capability of a hosted agent: the effective options, the admission counter that bounds its
 * mailbox, its actor, its meters, and the code that maps requests in and outcomes out.
 */
public final class CapabilityRuntime {

  private final AgentRuntime agent;
  private final Capability<Object, Object> capability;
  private final int maxInFlight;
  private final int mailboxCapacity;
  private final long timeoutNanos;
  private final String timeoutMessage;
  private final List<SpiffeIdPattern> requiredPeers;
  private final AtomicInteger waiting = new AtomicInteger();
  private final ActorRef<CapabilityActor.Command> actor;
  private final Logger logger;
  private final MeshMeters.CapabilityMeters meters;
  private final MeshMeters.ActionMeters authzMeters;

  @SuppressWarnings("unchecked")
  CapabilityRuntime(AgentRuntime agent, Capability<?, ?> declared, CapabilitySettings override) {
    this.agent = agent;
    this.capability = (Capability<Object, Object>) declared;
    this.maxInFlight =
        override != null && override.maxInFlight() > 0
            ? override.maxInFlight()
            : declared.maxInFlight();
    this.mailboxCapacity =
        override != null && override.mailboxCapacity() > 0
            ? override.mailboxCapacity()
            : declared.mailboxCapacity();
    Duration timeout =
        override != null && override.timeout() != null
            ? override.timeout()
            : declared.timeout().orElse(null);
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    this.timeoutMessage =
        "'"
            + declared.name()
            + "' of "
            + agent.spiffeId()
            + " did not answer within its timeout "
            + timeout;
    this.requiredPeers = declared.requiredPeers();
    this.logger =
        LoggerFactory.getLogger("agentweave.agent." + agent.agent().name() + "." + declared.name());
    MeshRuntime rt = agent.runtime();
    this.meters = rt.meters().forCapability(agent.agent().name(), declared.name());
    this.authzMeters = rt.meters().actionMeters(Direction.INBOUND, declared.name());
    // The mailbox is bounded by admission (waiting <= mailboxCapacity); the actor's own mailbox
    // gets room for completion messages on top, so it never drops an admitted envelope.
    Props props = MailboxSelector.bounded(mailboxCapacity + maxInFlight + 64);
    this.actor =
        rt.system()
            .systemActorOf(
                CapabilityActor.create(this),
                "agent-" + agent.agent().name() + "-" + declared.name(),
                props);
  }

  AgentRuntime agent() {
    return agent;
  }

  /** The capability name. */
  public String name() {
    return capability.name();
  }

  /** The effective in-flight limit. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The effective mailbox capacity. */
  public int mailboxCapacity() {
    return mailboxCapacity;
  }

  Capability<Object, Object> capability() {
    return capability;
  }

  Logger logger() {
    return logger;
  }

  MeshMeters.ActionMeters authzMeters() {
    return authzMeters;
  }

  /** Requests accepted and waiting to start. */
  public int waiting() {
    return waiting.get();
  }

  void started() {
    waiting.decrementAndGet();
  }

  /** Inbound checks after policy: peer patterns, request mapping, admission. */
  void dispatch(
      SpiffeId caller,
      Object request,
      long deadlineNanos,
      String requestId,
      ReplySink sink,
      long acceptedAt) {
    PermissionDeniedException refused = refusePeer(caller);
    if (refused != null) {
      fail(sink, refused, acceptedAt);
      return;
    }
    Object mapped;
    try {
      mapped = mapRequest(request);
    } catch (InvalidRequestException e) {
      fail(sink, e, acceptedAt);
      return;
    }
    long deadline = deadlineNanos;
    if (timeoutNanos > 0) {
      long own = acceptedAt + timeoutNanos;
      if (own < deadline) {
        deadline = own;
        sink.armDeadline(own, timeoutMessage);
      }
    }
    if (waiting.incrementAndGet() > mailboxCapacity) {
      waiting.decrementAndGet();
      fail(
          sink,
          new OverloadedException(
              "mailbox of '"
                  + name()
                  + "' of "
                  + agent.spiffeId()
                  + " is full ("
                  + mailboxCapacity
                  + " waiting)",
              Duration.ofSeconds(1)),
          acceptedAt);
      return;
    }
    agent.runtime().admitted();
    CallContextImpl ctx = new CallContextImpl(this, caller, requestId, deadline);
    actor.tell(new Envelope(ctx, mapped, sink, acceptedAt));
    sink.accepted();
  }

  /** The refusal of a caller that matches none of the required peers, or null to admit it. */
  PermissionDeniedException refusePeer(SpiffeId caller) {
    if (requiredPeers.isEmpty()) {
      return null;
    }
    String id = caller.toString();
    for (SpiffeIdPattern p : requiredPeers) {
      if (p.matches(id)) {
        return null;
      }
    }
    return new PermissionDeniedException(
        caller
            + " does not match the peers required by '"
            + name()
            + "' of "
            + agent.spiffeId()
            + ": "
            + requiredPeers);
  }

  private Object mapRequest(Object request) {
    Class<?> type = capability.requestType();
    if (request != null && type.isInstance(request)) {
      return request;
    }
    try {
      if (request instanceof com.fasterxml.jackson.databind.JsonNode tree) {
        return agent.runtime().json().treeToValue(tree, type);
      }
      if (request instanceof dev.agentweave.mesh.spi.JsonBody body) {
        meters.payloadSize(body.json().length);
        return agent.runtime().json().readValue(body.json(), type);
      }
      byte[] bytes = agent.runtime().json().writeValueAsBytes(request);
      meters.payloadSize(bytes.length);
      return agent.runtime().json().readValue(bytes, type);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new InvalidRequestException(
          Json.doesNotMap("request for", name(), agent.spiffeId(), type, e));
    }
  }

  private void fail(ReplySink sink, MeshException error, long acceptedAt) {
    meters.record(System.nanoTime() - acceptedAt);
    agent.meters().failed(error.code());
    sink.fail(error);
  }

  /** Completes an envelope whose handler finished (or could not start). Idempotent. */
  void finish(Envelope env, Object value, Throwable error) {
    if (!env.markFinished()) {
      return;
    }
    agent.runtime().finished();
    long took = System.nanoTime() - env.acceptedAtNanos;
    if (error == null) {
      meters.record(took);
      agent.meters().succeeded();
      env.sink.succeed(value);
      return;
    }
    MeshException mapped = mapFailure(env, error);
    meters.record(took);
    agent.meters().failed(mapped.code());
    env.sink.fail(mapped);
  }

  private MeshException mapFailure(Envelope env, Throwable error) {
    return mapFailure(
        error, logger, name(), agent.spiffeId(), env.ctx.requestId(), env.ctx.caller());
  }

  /**
   * What a handler's failure becomes for its caller: mesh exceptions as they are, a {@link
   * CapabilityException} as a rejection with its message, anything else logged here and reported as
   * an internal error without details.
   */
  static MeshException mapFailure(
      Throwable error,
      Logger logger,
      String capability,
      SpiffeId agent,
      String requestId,
      SpiffeId caller) {
    Throwable t = Failures.unwrap(error);
    if (t instanceof MeshException m) {
      return m;
    }
    if (t instanceof CapabilityException c) {
      return new HandlerRejectedException(String.valueOf(c.getMessage()));
    }
    logger.warn("handler of '{}' failed (request {}, caller {})", capability, requestId, caller, t);
    return new InternalErrorException(
        "'" + capability + "' of " + agent + " failed (request " + requestId + ")");
  }

  /** Fails an envelope that can no longer run. */
  void expire(Envelope env) {
    finish(
        env,
        null,
        new DeadlineExceededException(
            "'"
                + name()
                + "' of "
                + agent.spiffeId()
                + ": deadline passed before the handler started"));
  }
}
