package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.SpiffeRemotingTls;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

/**
 * Artery's SSL engine provider for {@link SpiffeRemotingTls}; Pekko creates it with the actor
 * system. Both directions verify the peer's SVID against the trust domain's bundle and accept only
 * node identities of the node's own trust domain.
 */
public final class SpiffeSslEngineProvider implements SSLEngineProvider {
  private final SpiffeRemotingTls.Registration registration;
  private final SSLContext server;
  private final SSLContext client;

  /**
   * Created by Pekko.
   *
   * @param system the actor system
   */
  public SpiffeSslEngineProvider(ActorSystem system) {
    this.registration =
        SpiffeRemotingTls.registration(
            SpiffeId.parse(system.settings().config().getString("agentweave.remoting.node-id")));
    SpiffeId self = registration.nodeId();
    this.server = registration.tls().serverContext(self);
    this.client = registration.tls().clientContext(self, this::isPeerNode);
  }

  private boolean isPeerNode(SpiffeId id) {
    return id.trustDomain().equals(registration.nodeId().trustDomain())
        && id.path().startsWith("/node/");
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return registration.tls().configureServer(server.createSSLEngine());
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    // No peer address: the engine cannot resume a cached session, so every connection
    // handshakes with the current SVIDs.
    return registration.tls().configureClient(client.createSSLEngine());
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return verify(session);
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return verify(session);
  }

  private Option<Throwable> verify(SSLSession session) {
    Optional<SpiffeId> peer = dev.agentweave.mesh.identity.x509.SpiffeTls.peer(session);
    if (peer.isEmpty()) {
      String message = "remoting peer presented no verified SPIFFE ID";
      registration.rejections().accept(message);
      return Option.apply(new SecurityException(message));
    }
    if (!isPeerNode(peer.get())) {
      String message =
          "remoting peer "
              + peer.get()
              + " is not a node of "
              + registration.nodeId().trustDomain()
              + " (expected: spiffe://"
              + registration.nodeId().trustDomain()
              + "/node/<name>)";
      registration.rejections().accept(message);
      return Option.apply(new SecurityException(message));
    }
    return Option.empty();
  }
}
