package dev.agentweave.mesh.testkit;

import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.node.MeshNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node of a {@link TestMesh} that runs in the test JVM: the {@link MeshNode} with the identity
 * source the kit opened for it and what the kit configured (gateway URL, policy file). Thread-safe.
 */
public final class TestNode {
  private final String name;
  private final MeshNode node;
  private final IdentitySource identities;
  private final Optional<URI> gateway;
  private final Optional<Path> policyFile;

  TestNode(
      String name,
      MeshNode node,
      IdentitySource identities,
      Optional<URI> gateway,
      Optional<Path> policyFile) {
    this.name = name;
    this.node = node;
    this.identities = identities;
    this.gateway = gateway;
    this.policyFile = policyFile;
  }

  /**
   * The node's name in the mesh.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The running node.
   *
   * @return the node
   */
  public MeshNode node() {
    return node;
  }

  /**
   * The identity source the kit opened for the node (the dev CA of the mesh); the kit closes it
   * after the node.
   *
   * @return the source
   */
  public IdentitySource identities() {
    return identities;
  }

  /**
   * The URL of the node's gateway.
   *
   * @return the URL, {@code https://127.0.0.1:PORT}
   * @throws IllegalStateException if the node was not given {@link NodeSpec#gateway()}
   */
  public URI gatewayUrl() {
    return gateway.orElseThrow(
        () -> new IllegalStateException(name + " serves no gateway (NodeSpec.gateway())"));
  }

  /**
   * The Cedar policy file of the node; the node reloads it when it changes.
   *
   * @return the file
   * @throws IllegalStateException if the node does not decide with Cedar
   */
  public Path policyFile() {
    return policyFile.orElseThrow(
        () -> new IllegalStateException(name + " has no Cedar policy (TestMesh.Builder.cedar)"));
  }

  /**
   * A component of the node, for example {@code Gateway.class} or {@code GatewayClient.class}.
   *
   * @param <T> the component's type
   * @param type the component's type
   * @return the component
   * @throws IllegalStateException if the node has none (its module is not on the class path or not
   *     switched on)
   */
  public <T> T component(Class<T> type) {
    return node.component(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    name
                        + " has no "
                        + type.getSimpleName()
                        + " (is its module on the class path?)"));
  }

  /**
   * A ref from the node's default agent to an agent of the mesh's trust domain.
   *
   * @param agentName the callee's name
   * @return the ref
   */
  public AgentRef ref(String agentName) {
    String td = node.settings().agent().trustDomain();
    return node.agent(node.settings().agent().name()).ref(SpiffeId.forAgent(td, agentName));
  }

  /**
   * Members this node sees as up in its Pekko Cluster.
   *
   * @return the count; 0 for a node that is no cluster member
   */
  public long upMembers() {
    if (!"cluster"
        .equals(node.actorSystem().settings().config().getString("pekko.actor.provider"))) {
      return 0;
    }
    return StreamSupport.stream(
            Cluster.get(node.actorSystem()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  @Override
  public String toString() {
    return "TestNode[" + name + "]";
  }
}
