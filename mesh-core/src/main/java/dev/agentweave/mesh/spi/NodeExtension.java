package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.MeshNode;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import java.util.Optional;

/**
 * A module's hook into every node's start, found with {@link java.util.ServiceLoader}: it may add
 * Pekko configuration before the node's actor system starts and start its own parts once the node
 * runs. mesh-cluster uses it to make the node a cluster member (remoting over TLS, joining), so
 * that mesh-core stays free of cluster code.
 */
public interface NodeExtension {
  /** A short name for logs. */
  String name();

  /**
   * Pekko configuration (HOCON) to add to the node's actor system, or an empty string.
   *
   * @param settings the node settings
   * @param identities the node's identity source, if the node was given one
   * @return HOCON text
   */
  default String pekkoConfig(MeshSettings settings, Optional<IdentitySource> identities) {
    return "";
  }

  /**
   * Pekko configuration (HOCON) to add to the node's actor system, knowing the keyed agents the
   * node will host. By default the same as {@link #pekkoConfig(MeshSettings, Optional)}.
   *
   * @param settings the node settings
   * @param identities the node's identity source, if the node was given one
   * @param keyedAgents the keyed agents the node hosts
   * @return HOCON text
   */
  default String pekkoConfig(
      MeshSettings settings,
      Optional<IdentitySource> identities,
      java.util.List<dev.agentweave.mesh.SpiffeId> keyedAgents) {
    return pekkoConfig(settings, identities);
  }

  /**
   * The name the node's actor system must have, if this extension needs one (cluster members share
   * it).
   *
   * @param settings the node settings
   * @return the name, or empty for the default
   */
  default Optional<String> actorSystemName(MeshSettings settings) {
    return Optional.empty();
  }

  /**
   * Called once the node's actor system runs, before the node is ready.
   *
   * @param node the node
   */
  default void started(MeshNode node) {}
}
