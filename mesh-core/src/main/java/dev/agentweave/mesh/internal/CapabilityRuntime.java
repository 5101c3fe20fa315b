package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.config.AgentSettings.CapabilitySettings;
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
  /** The Pekko config path of the dispatcher that runs capability actors (reference.conf). */
  static final String CAPABILITY_DISPATCHER = "agentweave.capability-dispatcher";

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
    Props props =
        MailboxSelector.bounded(mailboxCapacity + maxInFlight + 64)
            .withDispatcherFromConfig(CAPABILITY_DISPATCHER);
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

  MeshMeters.CapabilityMeters meters() {
    return meters;
  }

  /** The capability's own deadline for a call accepted at {@code acceptedAt}, or 0 for none. */
  long ownDeadline(long acceptedAt) {
    return timeoutNanos > 0 ? acceptedAt + timeoutNanos : 0;
  }

  String timeoutMessage() {
    return timeoutMessage;
  }

  /** Takes a place in the mailbox; false when it is full. */
  boolean tryEnterMailbox() {
    if (waiting.incrementAndGet() > mailboxCapacity) {
      waiting.decrementAndGet();
      return false;
    }
    return true;
  }

  OverloadedException mailboxFull() {
    return new OverloadedException(
        "mailbox of '"
            + name()
            + "' of "
            + agent.spiffeId()
            + " is full ("
            + mailboxCapacity
            + " waiting)",
        Duration.ofSeconds(1));
  }

  /** Hands an admitted envelope to the capability's actor. */
  void dispatch(Envelope envelope) {
    actor.tell(envelope);
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
    return agent
        .runtime()
        .pipeline()
        .authorization()
        .peerRefused(caller, agent.spiffeId(), name(), requiredPeers.toString());
  }

  /** The request as the capability's request type (see {@link WireCodec#decodeRequest}). */
  Object mapRequest(Object request) {
    return agent
        .runtime()
        .codec()
        .decodeRequest(
            request, capability.requestType(), name(), agent.spiffeId(), meters::payloadSize);
  }
}
