package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.node.MeshNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one node of a {@link TestMesh} is: its agents, whether it serves a gateway, whom it calls
 * over the network, its policy and any settings of its own. Given to the consumer of {@link
 * TestMesh.Builder#node(String, Consumer)} or {@link TestMesh.Builder#process(String, Consumer)}; a
 * node that is not told otherwise hosts an agent named like the node, without capabilities, serves
 * no gateway and lets the mesh's policy decide.
 */
public final class NodeSpec {
  final String name;
  final boolean process;
  String agentName;
  final List<Agent> agents = new ArrayList<>();
  final List<KeyedAgent<?>> keyedAgents = new ArrayList<>();
  final List<String> hosts = new ArrayList<>();
  final List<String> peers = new ArrayList<>();
  final Map<String, List<String>> extraPeers = new LinkedHashMap<>();
  final List<Consumer<MeshNode.Builder>> customizers = new ArrayList<>();
  final List<String> jvmArgs = new ArrayList<>();
  boolean gateway;
  String cedar;
  String yaml = "";
  String heap = "256m";

  NodeSpec(String name, boolean process) {
    this.name = name;
    this.process = process;
    this.agentName = name;
  }

  /**
   * The node's default agent ({@code agent.name}); the node's name unless set.
   *
   * @param name the agent's name
   * @return this spec
   */
  public NodeSpec agentName(String name) {
    this.agentName = requireNonNull(name, "name");
    return this;
  }

  /**
   * Hosts an agent (nodes in the test JVM only; a process hosts agents by name, see {@link
   * #hosts}).
   *
   * @param agent the agent
   * @return this spec
   */
  public NodeSpec agent(Agent agent) {
    agents.add(requireNonNull(agent, "agent"));
    return this;
  }

  /**
   * Hosts agents (nodes in the test JVM only).
   *
   * @param list the agents
   * @return this spec
   */
  public NodeSpec agents(Collection<Agent> list) {
    list.forEach(this::agent);
    return this;
  }

  /**
   * Hosts a keyed agent (nodes in the test JVM only; keyed agents run on sharding, so the mesh
   * should be a {@link TestMesh.Builder#cluster() cluster}).
   *
   * @param agent the keyed agent
   * @return this spec
   */
  public NodeSpec keyedAgent(KeyedAgent<?> agent) {
    keyedAgents.add(requireNonNull(agent, "agent"));
    return this;
  }

  /**
   * The sample agents a node process hosts ({@code server.agents} of {@code agentweave node}).
   *
   * @param names sample agent names
   * @return this spec
   */
  public NodeSpec hosts(String... names) {
    hosts.addAll(List.of(names));
    return this;
  }

  /**
   * Serves the mutual-TLS gateway on a free loopback port (needs mesh-http on the class path).
   *
   * @return this spec
   */
  public NodeSpec gateway() {
    this.gateway = true;
    return this;
  }

  /**
   * Calls the agents of these nodes through their gateways: each of their hosted agents becomes a
   * {@code transport.peers} entry of this node with the node's gateway URL.
   *
   * @param nodeNames nodes of the same mesh that serve a gateway
   * @return this spec
   */
  public NodeSpec peers(String... nodeNames) {
    peers.addAll(List.of(nodeNames));
    return this;
  }

  /**
   * Adds a {@code transport.peers} entry of this node beside those {@link #peers} writes: an agent
   * of the mesh's trust domain reached at these URLs, for example a port where nothing listens, to
   * test an unreachable node.
   *
   * @param agentName the agent's name in the mesh's trust domain
   * @param urls its gateway URLs, tried in order
   * @return this spec
   */
  public NodeSpec peer(String agentName, String... urls) {
    requireNonNull(agentName, "agentName");
    if (urls.length == 0) {
      throw new IllegalArgumentException(name + ": peer " + agentName + " needs at least one URL");
    }
    extraPeers.put(agentName, List.of(urls));
    return this;
  }

  /**
   * Decides with these Cedar policies instead of the mesh's (needs authz-actor on the class path);
   * the node reloads them when {@link TestNode#policyFile()} changes.
   *
   * @param policies Cedar policies
   * @return this spec
   */
  public NodeSpec cedar(String policies) {
    this.cedar = requireNonNull(policies, "policies");
    return this;
  }

  /**
   * Merges YAML over the settings the kit writes for this node (after the mesh's YAML): mappings
   * merge key by key, anything else replaces.
   *
   * @param value a YAML mapping, for example {@code "transport: {retry: {max_attempts: 1}}"}
   * @return this spec
   */
  public NodeSpec yaml(String value) {
    this.yaml = requireNonNull(value, "yaml");
    return this;
  }

  /**
   * Adjusts the node's builder before it starts, for example to add an interceptor (nodes in the
   * test JVM only).
   *
   * @param customizer called with the builder
   * @return this spec
   */
  public NodeSpec configure(Consumer<MeshNode.Builder> customizer) {
    customizers.add(requireNonNull(customizer, "customizer"));
    return this;
  }

  /**
   * The maximum heap of a node process ({@code 256m} unless set).
   *
   * @param value for example {@code 512m}
   * @return this spec
   */
  public NodeSpec heap(String value) {
    this.heap = requireNonNull(value, "heap");
    return this;
  }

  /**
   * Adds a JVM option of a node process.
   *
   * @param option the option
   * @return this spec
   */
  public NodeSpec jvmArg(String option) {
    jvmArgs.add(requireNonNull(option, "option"));
    return this;
  }

  void check() {
    if (process && !(agents.isEmpty() && keyedAgents.isEmpty() && customizers.isEmpty())) {
      throw new IllegalArgumentException(
          name
              + ": a node process runs agentweave node, which hosts sample agents by name: use"
              + " hosts(...) instead of agent, keyedAgent or configure");
    }
    if (!process && !hosts.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": hosts(...) names agents of a node process; give a node in the JVM agent(...)");
    }
  }

  /** The agents of a node in the JVM, with an agent named {@link #agentName} added if missing. */
  List<Agent> agentsWithDefault() {
    List<Agent> all = new ArrayList<>(agents);
    if (all.stream().noneMatch(a -> a.name().equals(agentName))
        && keyedAgents.stream().noneMatch(a -> a.name().equals(agentName))) {
      all.add(Agent.of(agentName));
    }
    return all;
  }

  /** The agents this node hosts, by name, for peers of other nodes. */
  List<String> hostedAgentNames() {
    List<String> names = new ArrayList<>();
    names.add(agentName);
    agents.forEach(a -> names.add(a.name()));
    keyedAgents.forEach(a -> names.add(a.name()));
    names.addAll(hosts);
    return names.stream().distinct().toList();
  }
}
