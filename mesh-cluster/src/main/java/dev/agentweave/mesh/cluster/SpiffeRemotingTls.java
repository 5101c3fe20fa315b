package dev.agentweave.mesh.cluster;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko remoting (Artery over TLS) authenticated with SPIFFE SVIDs: each node presents the SVID of
 * its node identity, {@code spiffe://<trust-domain>/node/<name>}, and accepts only peers whose
 * verified SVID is a node identity of the same trust domain. TLS 1.3, the current SVID at every
 * handshake (so rotation applies to new connections), and engines created without a peer address so
 * sessions are never resumed with an old identity.
 *
 * <p>Register a node's identity before its actor system starts, add {@link #config(SpiffeId)} to
 * the system's configuration, and bound the system's termination with {@link
 * #boundTermination(ActorSystem)}:
 *
 * <pre>{@code
 * SpiffeId node = SpiffeRemotingTls.nodeId("example.org", "node-a");
 * try (var registration = SpiffeRemotingTls.register(identities, node, "1.3", log::warn)) {
 *   var system = ActorSystem.create(guardian, "agentweave", parseString(SpiffeRemotingTls.config(node))...);
 *   SpiffeRemotingTls.boundTermination(system);
 * }
 * }</pre>
 */
public final class SpiffeRemotingTls {
  /** What a registered node uses. */
  public record Registration(SpiffeTls tls, SpiffeId nodeId, Consumer<String> rejections) {}

  private static final Map<SpiffeId, Registration> BY_NODE = new ConcurrentHashMap<>();

  /**
   * How long a terminating actor system waits for its remoting connections to close by themselves
   * before {@link #boundTermination(ActorSystem)} closes them.
   */
  public static final Duration CONNECTION_CLOSE_DEADLINE = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster");

  private SpiffeRemotingTls() {}

  /**
   * The node identity of a node name.
   *
   * @param trustDomain the trust domain
   * @param nodeName the node name, one path segment
   * @return {@code spiffe://<trust-domain>/node/<name>}
   */
  public static SpiffeId nodeId(String trustDomain, String nodeName) {
    return SpiffeId.parse("spiffe://" + trustDomain + "/node/" + nodeName);
  }

  /**
   * Registers a node identity for remoting; call before the actor system starts, and give the
   * system {@link #config(SpiffeId)} for the same identity. (Nodes of a cluster share their actor
   * system's name, so the identity, not the name, tells nodes in one JVM apart.)
   *
   * @param source the identity source, which must hold {@code nodeId}
   * @param nodeId the node identity
   * @param tlsMinVersion {@code 1.3} or {@code 1.2}
   * @param rejections told the reason of every refused peer
   * @return closes the registration (after the system stopped)
   */
  public static AutoCloseable register(
      IdentitySource source, SpiffeId nodeId, String tlsMinVersion, Consumer<String> rejections) {
    requireNonNull(nodeId, "nodeId");
    if (!nodeId.path().startsWith("/node/")) {
      throw new IllegalArgumentException(
          "node identity " + nodeId + " (expected: spiffe://<trust-domain>/node/<name>)");
    }
    SpiffeTls tls =
        SpiffeTls.create(source, TrustDomain.of(nodeId), List.of(), tlsMinVersion, rejections);
    source.svid(nodeId);
    BY_NODE.put(nodeId, new Registration(tls, nodeId, rejections));
    return () -> BY_NODE.remove(nodeId);
  }

  /**
   * The registration of a node identity.
   *
   * @param nodeId the node identity from the system's configuration
   * @return the registration
   * @throws IllegalStateException if none was registered
   */
  public static Registration registration(SpiffeId nodeId) {
    Registration r = BY_NODE.get(nodeId);
    if (r == null) {
      throw new IllegalStateException(
          "no SPIFFE identity registered for "
              + nodeId
              + " (call SpiffeRemotingTls.register before the actor system starts)");
    }
    return r;
  }

  /**
   * The Pekko settings that switch Artery to TLS with this provider for a node identity.
   *
   * @param nodeId the registered node identity
   * @return HOCON text
   */
  public static String config(SpiffeId nodeId) {
    return "pekko.remote.artery.transport = tls-tcp\n"
        + "pekko.remote.artery.ssl.ssl-engine-provider = \""
        + "dev.agentweave.mesh.cluster.internal.SpiffeSslEngineProvider\"\n"
        + "agentweave.remoting.node-id = \""
        + nodeId
        + "\"\n";
  }

  /**
   * Makes sure the actor system finishes terminating even when a TLS remoting connection does not
   * close. Artery over TLS closes a connection only when its peer does, and Pekko 1.2 waits for all
   * remoting streams without a deadline when it terminates, so a connection whose peer stays silent
   * keeps the system from ever terminating (later Pekko versions bound that wait with {@code
   * pekko.remote.artery.advanced.shutdown-streams-timeout}). This adds a task to the system's
   * coordinated shutdown: {@link #CONNECTION_CLOSE_DEADLINE} after the system starts terminating,
   * the TCP connections it still holds are closed (logged at WARN), which ends the waiting streams.
   * The cluster extension calls this for every cluster node; call it for actor systems that use
   * {@link #config(SpiffeId)} directly.
   *
   * @param system an actor system configured with {@link #config(SpiffeId)}
   */
  public static void boundTermination(ActorSystem<?> system) {
    requireNonNull(system, "system");
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseActorSystemTerminate(),
            "agentweave-remoting-close-deadline",
            () -> {
              CompletableFuture.delayedExecutor(
                      CONNECTION_CLOSE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                  .execute(() -> closeConnectionsIfRunning(system));
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  private static void closeConnectionsIfRunning(ActorSystem<?> system) {
    if (system.whenTerminated().isCompleted()) {
      return;
    }
    LOG.warn(
        "actor system {} has not terminated {} after it started to (a remoting stream is waiting"
            + " for a TLS peer to close); closing its remaining TCP connections",
        system.address(),
        CONNECTION_CLOSE_DEADLINE);
    // Pekko IO keeps each TCP connection (and listener) in an actor below its selectors; stopping
    // the actor closes the socket and fails the stream that used it.
    system
        .classicSystem()
        .actorSelection("/system/IO-TCP/selectors/*/*")
        .tell(PoisonPill.getInstance(), ActorRef.noSender());
  }
}
