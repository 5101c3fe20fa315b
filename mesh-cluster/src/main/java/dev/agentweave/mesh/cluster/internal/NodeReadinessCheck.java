package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.spi.NodeContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * The readiness check Pekko Management runs for {@code GET /ready} (the Kubernetes readiness
 * probe): ready while the node of the actor system is {@link NodeState#READY}, so a node that is
 * starting, draining or stopping leaves the Service's endpoints. Pekko's own cluster membership
 * check (the member is Up) runs beside it. Pekko creates it by class name with the actor system.
 */
public final class NodeReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private static final Map<ActorSystem, NodeContext> NODES = new ConcurrentHashMap<>();

  private final ActorSystem system;

  /**
   * Created by Pekko Management.
   *
   * @param system the actor system whose node is checked
   */
  public NodeReadinessCheck(ActorSystem system) {
    this.system = system;
  }

  /**
   * Makes a node known to the check of its actor system, until the system terminates.
   *
   * @param node the node
   */
  public static void register(NodeContext node) {
    ActorSystem classic =
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.actorSystem());
    NODES.put(classic, node);
    node.actorSystem().getWhenTerminated().thenRun(() -> NODES.remove(classic));
  }

  @Override
  public CompletionStage<Boolean> get() {
    NodeContext node = NODES.get(system);
    return CompletableFuture.completedFuture(node != null && node.state() == NodeState.READY);
  }
}
