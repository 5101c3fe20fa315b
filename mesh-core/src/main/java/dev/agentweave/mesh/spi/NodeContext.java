package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A running node as its {@link NodeExtension}s see it: the wiring a module needs to plug in a
 * transport, a directory or an entity router, the entrance for calls that arrive from outside, and
 * a registry of the parts a module starts (which users find with {@link
 * dev.agentweave.mesh.node.MeshNode#component(Class)}). Not for agents' code. Thread-safe.
 */
public interface NodeContext extends NodeSetup {
  /** The node's actor system. */
  ActorSystem<Void> actorSystem();

  /** The node's metrics. */
  Metrics metrics();

  /** The node's lifecycle state. */
  NodeState state();

  /** The SPIFFE IDs of the agents hosted here (a keyed agent's front among them). */
  List<SpiffeId> hostedAgents();

  /**
   * The declarations of the agents hosted here, in the order of {@link #hostedAgents()}: what a
   * module that describes them to the outside (an A2A agent card) reads.
   */
  List<dev.agentweave.mesh.Agent> hostedAgentDeclarations();

  /** The keyed agents hosted here, for the module that runs their entities. */
  List<KeyedAgentHost> keyedAgents();

  /** The entrance for calls that arrive from outside the process. */
  InboundCalls inbound();

  /**
   * Sets the transport for agents not hosted here (mesh-http's pooled client).
   *
   * @param transport the transport
   */
  void useRemoteTransport(RemoteTransport transport);

  /**
   * Sets the router that sends calls of keyed agents to their entities (mesh-cluster).
   *
   * @param router the router
   */
  void useEntityRouter(EntityRouter router);

  /**
   * Registers where other nodes' agents are (mesh-cluster, for a cluster member).
   *
   * @param directory the directory
   */
  void useAgentDirectory(AgentDirectory directory);

  /**
   * Makes known the URL at which other nodes reach this node's gateway (the gateway calls this once
   * it serves), so that a cluster directory can publish it.
   *
   * @param url the gateway's base URL
   */
  void advertiseGateway(URI url);

  /** Completes with the gateway's advertised URL once it serves; never when there is none. */
  CompletionStage<URI> advertisedGateway();

  /**
   * One inbound decision through the node's authorizer, fail closed, for requests outside the call
   * pipeline (the gateway's {@code GET /metrics}). A denial is logged as a refused request and
   * carries a decision id ({@link AuthzDecision#decisionId()}) to show the caller instead of the
   * reason.
   *
   * @param caller the authenticated caller
   * @param callee the agent asked about
   * @param action the action
   * @return the decision
   */
  CompletionStage<AuthzDecision> checkAuthorization(
      SpiffeId caller, SpiffeId callee, String action);

  /**
   * The node's authorizer if it is of the given type.
   *
   * @param type the type
   * @param <T> the type
   * @return the authorizer
   */
  <T extends Authorizer> Optional<T> authorizer(Class<T> type);

  /**
   * Registers a part this module started, for {@link dev.agentweave.mesh.node.MeshNode#component}.
   *
   * @param type the type users look it up by
   * @param component the part
   * @param <T> the type
   * @throws IllegalStateException if a part of this type is registered already
   */
  <T> void register(Class<T> type, T component);
}
