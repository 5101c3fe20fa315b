package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.config.AuthorizationSettings.CacheSettings;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.NodeExtension;
import dev.agentweave.mesh.spi.NodeSetup;
import java.util.concurrent.ForkJoinPool;

/**
 * When the node is a cluster member ({@code cluster.enabled}), joins its {@link CachingAuthorizer}
 * to the cluster's authorization coordination: a cluster-singleton coordinator with the
 * authoritative cache, near caches on every node, invalidations broadcast (ADR 0003). Found by
 * {@link java.util.ServiceLoader}.
 */
public final class AuthzNodeExtension implements NodeExtension {
  /** Creates the extension (for {@link java.util.ServiceLoader}). */
  public AuthzNodeExtension() {}

  @Override
  public String name() {
    return "authorization";
  }

  @Override
  public String pekkoConfig(NodeSetup node) {
    // Bound whether or not the node is a cluster member: the binding is inert without remoting.
    return "pekko.actor.serialization-bindings {\n"
        + "  \"dev.agentweave.mesh.authz.internal.AuthzMessage\" = jackson-cbor\n"
        + "}\n";
  }

  @Override
  public void started(NodeContext node) {
    // Coordination needs a cluster member; that is a fact of the actor system (the cluster module
    // makes it one), not of another module's settings.
    if (!"cluster"
        .equals(node.actorSystem().settings().config().getString("pekko.actor.provider"))) {
      return;
    }
    CacheSettings c = node.settings().authorization().cache();
    node.authorizer(CachingAuthorizer.class)
        .ifPresent(
            a ->
                a.coordinate(
                    node.actorSystem(),
                    new DecisionCache(
                        c.maxSize(), c.ttl(), c.denyTtl(), ForkJoinPool.commonPool())));
  }
}
