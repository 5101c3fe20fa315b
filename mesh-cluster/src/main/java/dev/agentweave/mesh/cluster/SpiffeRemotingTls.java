package dev.agentweave.mesh.cluster;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.SpiffeTls;
import dev.agentweave.mesh.identity.TrustDomain;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Pekko remoting (Artery over TLS) authenticated with SPIFFE SVIDs: each node presents the SVID of
 * its node identity, {@code spiffe://<trust-domain>/node/<name>}, and accepts only peers whose
 * verified SVID is a node identity of the same trust domain. TLS 1.3, the current SVID at every
 * handshake (so rotation applies to new connections), and engines created without a peer address so
 * sessions are never resumed with an old identity.
 *
 * <p>Register a node's identity before its actor system starts, and add {@link #config()} to the
 * system's configuration:
 *
 * <pre>{@code
 * SpiffeId node = SpiffeRemotingTls.nodeId("example.org", "node-a");
 * try (var registration = SpiffeRemotingTls.register(identities, node, "1.3", log::warn)) {
 *   ActorSystem.create(guardian, "agentweave", parseString(SpiffeRemotingTls.config(node))...);
 * }
 * }</pre>
 */
public final class SpiffeRemotingTls {
  /** What a registered node uses. */
  public record Registration(SpiffeTls tls, SpiffeId nodeId, Consumer<String> rejections) {}

  private static final Map<SpiffeId, Registration> BY_NODE = new ConcurrentHashMap<>();

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
}
