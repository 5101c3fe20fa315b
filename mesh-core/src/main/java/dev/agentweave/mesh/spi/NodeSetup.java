package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import java.util.List;

/**
 * What a {@link NodeExtension} knows of a node before its actor system starts: its settings, its
 * identity source and the keyed agents it will host.
 */
public interface NodeSetup {
  /** The node's settings. */
  MeshSettings settings();

  /**
   * The node's identity source: the one given to {@link
   * dev.agentweave.mesh.node.MeshNode.Builder#identities}, otherwise the one {@code identity:}
   * configures, created on first use and closed by the node once it stopped.
   *
   * @return the identity source
   * @throws dev.agentweave.mesh.identity.IdentityException if the configured source cannot start
   */
  IdentitySource identities();

  /** The keyed agents the node hosts, in the order given. */
  List<SpiffeId> keyedAgentIds();
}
