package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.TransportSettings;
import dev.agentweave.mesh.spi.AgentDirectory;
import dev.agentweave.mesh.spi.RemoteRoute;
import dev.agentweave.mesh.spi.RemoteTransport;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's resolution stage: where a target agent runs. Agents hosted here first, then the
 * static {@code transport.peers}, then the cluster's directory. Lookups do not block; thread-safe.
 */
final class Resolver {
  private final Map<SpiffeId, AgentRuntime> hosted;
  private final Map<SpiffeId, List<URI>> peers = new HashMap<>();
  private volatile AgentDirectory directory;
  private volatile RemoteTransport transport;

  Resolver(Map<SpiffeId, AgentRuntime> hosted, MeshSettings settings) {
    this.hosted = hosted;
    for (TransportSettings.PeerSettings p : settings.transport().peers()) {
      if (!p.urls().isEmpty()) {
        peers.put(p.spiffeId(), List.copyOf(p.urls()));
      }
    }
  }

  void useDirectory(AgentDirectory value) {
    this.directory = value;
  }

  AgentDirectory directory() {
    return directory;
  }

  void useTransport(RemoteTransport value) {
    this.transport = value;
  }

  RemoteTransport transport() {
    return transport;
  }

  /** The agent hosted here, or {@code null}. */
  AgentRuntime hosted(SpiffeId target) {
    return hosted.get(target);
  }

  /** Where calls to the target go. */
  Route resolve(SpiffeId target) {
    AgentRuntime local = hosted.get(target);
    if (local != null) {
      return local.route();
    }
    if (transport == null) {
      return new Route.Unknown("");
    }
    List<URI> gateways = gateways(target);
    if (gateways.isEmpty()) {
      return new Route.Unknown(" and no peer is known for it (transport.peers)");
    }
    return new Route.Remote(new RemoteRoute(target, gateways, this::gateways));
  }

  /** Static peers first; otherwise the cluster's directory, if the node has one. */
  private List<URI> gateways(SpiffeId target) {
    List<URI> fixed = peers.get(target);
    if (fixed != null) {
      return fixed;
    }
    AgentDirectory d = directory;
    return d == null ? List.of() : d.gateways(target);
  }
}
