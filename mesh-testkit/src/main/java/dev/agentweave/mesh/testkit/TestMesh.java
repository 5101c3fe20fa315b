package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Several real nodes for one test: in the test JVM, in child processes, or both; with or without
 * gateways; as one Pekko Cluster or not. All nodes share one trust domain ({@value #TRUST_DOMAIN}
 * unless set), one dev CA in a fresh directory, and a policy: an allow-list that lets every agent
 * of the trust domain call every other, or Cedar policies the test gives. The kit picks free
 * loopback ports, wires {@code transport.peers} between nodes that call each other, and, for a
 * cluster, makes the first node the seed and waits until every node in the JVM sees every member
 * up.
 *
 * <pre>{@code
 * try (TestMesh mesh =
 *     TestMesh.builder()
 *         .node("search", n -> n.agent(search).gateway())
 *         .node("orchestrator", n -> n.peers("search"))
 *         .start()) {
 *   Hits hits = mesh.node("orchestrator").ref("search").ask("search", query, Hits.class)
 *       .toCompletableFuture().get(10, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * Closing stops the node processes (SIGKILL), then the nodes in the JVM newest first, then deletes
 * the directory. Not thread-safe to change (add, stop); the nodes themselves are.
 */
public final class TestMesh implements AutoCloseable {
  /** The trust domain unless {@link Builder#trustDomain} says otherwise. */
  public static final String TRUST_DOMAIN = "test.local";

  private final Builder config;
  private final Path dir;
  private final Map<String, NodeSpec> specs = new LinkedHashMap<>();
  private final Map<String, Integer> gatewayPorts = new LinkedHashMap<>();
  private final Map<String, Integer> remotingPorts = new LinkedHashMap<>();
  private final Map<String, TestNode> nodes = new LinkedHashMap<>();
  private final Map<String, NodeProcess> processes = new LinkedHashMap<>();
  private final List<IdentitySource> identities = new ArrayList<>();

  private TestMesh(Builder config, Path dir) {
    this.config = config;
    this.dir = dir;
  }

  /**
   * A builder with trust domain {@value #TRUST_DOMAIN} and the allow-all-agents policy.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A node of the mesh that runs in the test JVM.
   *
   * @param name the node's name
   * @return the node
   * @throws IllegalArgumentException if no such node runs in the JVM
   */
  public TestNode node(String name) {
    TestNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException(
          "no node " + name + " runs in the test JVM (nodes: " + nodes.keySet() + ")");
    }
    return n;
  }

  /**
   * A node of the mesh that runs in a child process.
   *
   * @param name the node's name
   * @return the process
   * @throws IllegalArgumentException if no such process was started
   */
  public NodeProcess process(String name) {
    NodeProcess p = processes.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no node process " + name + " (processes: " + processes.keySet() + ")");
    }
    return p;
  }

  /**
   * The nodes running in the test JVM, in start order.
   *
   * @return the nodes
   */
  public List<TestNode> nodes() {
    return List.copyOf(nodes.values());
  }

  /**
   * The node processes, in start order (including those that exited).
   *
   * @return the processes
   */
  public List<NodeProcess> processes() {
    return List.copyOf(processes.values());
  }

  /**
   * The mesh's directory: the dev CA ({@code ca/}), policy files, process configurations and logs.
   *
   * @return the directory
   */
  public Path directory() {
    return dir;
  }

  /**
   * The trust domain of every node.
   *
   * @return the trust domain
   */
  public String trustDomain() {
    return config.trustDomain;
  }

  /**
   * The SPIFFE ID of an agent of the trust domain.
   *
   * @param agentName the agent's name
   * @return the ID
   */
  public SpiffeId id(String agentName) {
    return SpiffeId.forAgent(config.trustDomain, agentName);
  }

  /**
   * Issues a certificate from the mesh's dev CA, for a client outside the mesh (see {@link
   * TlsClients}). It is valid for an hour and carries the SANs {@code localhost} and {@code
   * 127.0.0.1}.
   *
   * @param agentName the agent the certificate names
   * @return the SVID
   */
  public X509Svid issue(String agentName) {
    return ca().issue(id(agentName), Duration.ofHours(1), List.of("localhost", "127.0.0.1"));
  }

  /**
   * The root certificate of the mesh's dev CA.
   *
   * @return the root
   */
  public X509Certificate root() {
    return ca().certificate();
  }

  private DevCertificateAuthority ca() {
    return DevCertificateAuthority.openOrCreate(
        dir.resolve("ca"), TrustDomain.parse(config.trustDomain));
  }

  /**
   * Starts another node in the test JVM; in a cluster it joins and the call returns when every node
   * in the JVM sees it up.
   *
   * @param name the node's name
   * @param spec configures the node
   * @return the node
   */
  public TestNode add(String name, Consumer<NodeSpec> spec) {
    NodeSpec s = spec(name, false, spec);
    TestNode n = startNode(s);
    awaitCluster();
    return n;
  }

  /**
   * Starts another node process; it joins a cluster in its own time (see {@link
   * #awaitMembers(int)}).
   *
   * @param name the node's name
   * @param spec configures the node
   * @return the process
   */
  public NodeProcess addProcess(String name, Consumer<NodeSpec> spec) {
    return startProcess(spec(name, true, spec));
  }

  /**
   * Stops a node: a node in the JVM closes (and leaves its cluster), a process gets SIGTERM and the
   * call waits up to 60 s for it to exit.
   *
   * @param name the node's name
   */
  public void stop(String name) {
    TestNode n = nodes.remove(name);
    if (n != null) {
      n.node().close();
      identities.remove(n.identities());
      n.identities().close();
      return;
    }
    NodeProcess p = process(name);
    p.terminate();
    p.awaitExit(Duration.ofSeconds(60));
  }

  /**
   * Waits until every node in the JVM sees this many cluster members up.
   *
   * @param count the members
   * @throws IllegalStateException when the mesh's timeout runs out or a node process exited
   */
  public void awaitMembers(int count) {
    Waits.until(
        config.timeout,
        () -> nodes.values().stream().allMatch(n -> n.upMembers() == count),
        () -> NodeProcess.firstFailure(processes.values()),
        "every node in the JVM to see " + count + " members up",
        () ->
            " (they see "
                + nodes.values().stream().map(n -> n.name() + ": " + n.upMembers()).toList()
                + ")");
  }

  /**
   * Copies the logs of the node processes to {@code target/node-logs/<test class>/}.
   *
   * @param test the test class
   */
  public void keepLogs(Class<?> test) {
    processes.values().forEach(p -> p.keepLog(test));
  }

  @Override
  public void close() {
    List<Runnable> steps = new ArrayList<>();
    processes.values().forEach(p -> steps.add(p::close));
    List<TestNode> running = new ArrayList<>(nodes.values());
    java.util.Collections.reverse(running);
    running.forEach(n -> steps.add(n.node()::close));
    identities.forEach(ids -> steps.add(ids::close));
    steps.add(() -> Shutdown.deleteTree(dir));
    nodes.clear();
    identities.clear();
    Shutdown.runAll(steps);
  }

  private NodeSpec spec(String name, boolean process, Consumer<NodeSpec> spec) {
    requireNonNull(name, "name");
    if (specs.containsKey(name)) {
      throw new IllegalArgumentException("the mesh has a node " + name + " already");
    }
    NodeSpec s = new NodeSpec(name, process);
    spec.accept(s);
    s.check();
    specs.put(name, s);
    if (s.gateway) {
      gatewayPorts.put(name, Ports.freeLoopbackPort());
    }
    if (config.cluster) {
      remotingPorts.put(name, Ports.freeLoopbackPort());
    }
    return s;
  }

  private void startAll() {
    for (NodeSpec s : specs.values()) {
      if (s.process) {
        startProcess(s);
      } else {
        startNode(s);
      }
    }
    awaitCluster();
  }

  private void awaitCluster() {
    if (config.cluster && !nodes.isEmpty()) {
      awaitMembers(
          nodes.size() + (int) processes.values().stream().filter(p -> p.isAlive()).count());
    }
  }

  private TestNode startNode(NodeSpec s) {
    String yaml = settingsYaml(s);
    MeshSettings settings = MeshSettings.parse("test mesh node " + s.name, yaml, Map.of());
    IdentitySource ids = IdentitySources.fromSettings(settings);
    identities.add(ids);
    MeshNode.Builder b = MeshNode.builder(settings).identities(ids);
    b.agents(s.agentsWithDefault());
    s.keyedAgents.forEach(b::agent);
    s.customizers.forEach(c -> c.accept(b));
    Optional<URI> url =
        Optional.ofNullable(gatewayPorts.get(s.name))
            .map(p -> URI.create("https://127.0.0.1:" + p));
    TestNode n = new TestNode(s.name, b.start(), ids, url, NodeSettings.policyFile(mesh(), s));
    nodes.put(s.name, n);
    return n;
  }

  private NodeProcess startProcess(NodeSpec s) {
    NodeProcess.Builder b = NodeProcess.builder(dir, s.name).yaml(settingsYaml(s)).heap(s.heap);
    s.jvmArgs.forEach(b::jvmArg);
    NodeProcess p = b.start();
    processes.put(s.name, p);
    return p;
  }

  private NodeSettings.Mesh mesh() {
    return new NodeSettings.Mesh(
        config.trustDomain, config.cedar, config.yaml, config.cluster, dir);
  }

  /** The settings of a node: the kit's tree, the mesh's YAML over it, the node's over that. */
  String settingsYaml(NodeSpec s) {
    return NodeSettings.yaml(
        mesh(),
        s,
        specs,
        gatewayPorts,
        config.cluster ? remotingPorts.get(s.name) : 0,
        config.cluster ? seedPort(s.name) : 0);
  }

  /** The first node of the mesh that still runs, or the node itself when it is the first. */
  private int seedPort(String self) {
    for (Map.Entry<String, Integer> e : remotingPorts.entrySet()) {
      String name = e.getKey();
      boolean running =
          nodes.containsKey(name) || (processes.containsKey(name) && processes.get(name).isAlive());
      if (running || name.equals(self)) {
        return e.getValue();
      }
    }
    throw new IllegalStateException("no seed for " + self);
  }

  private record Declared(String name, boolean process, Consumer<NodeSpec> spec) {}

  /** Builds and starts a {@link TestMesh}. Not thread-safe. */
  public static final class Builder {
    private String trustDomain = TRUST_DOMAIN;
    private String cedar;
    private String yaml = "";
    private boolean cluster;
    private Duration timeout = Duration.ofSeconds(120);
    private final List<Declared> declared = new ArrayList<>();

    private Builder() {}

    /**
     * The trust domain of every node ({@value TestMesh#TRUST_DOMAIN} unless set).
     *
     * @param value the trust domain
     * @return this builder
     */
    public Builder trustDomain(String value) {
      this.trustDomain = requireNonNull(value, "trustDomain");
      return this;
    }

    /**
     * Every node decides with these Cedar policies (each node its own copy of the file), unless the
     * node has its own ({@link NodeSpec#cedar}). Needs authz-actor on the class path.
     *
     * @param policies Cedar policies
     * @return this builder
     */
    public Builder cedar(String policies) {
      this.cedar = requireNonNull(policies, "policies");
      return this;
    }

    /**
     * Merges YAML over the settings the kit writes for every node.
     *
     * @param value a YAML mapping
     * @return this builder
     */
    public Builder yaml(String value) {
      this.yaml = requireNonNull(value, "yaml");
      return this;
    }

    /**
     * Makes every node a member of one Pekko Cluster over TLS remoting, seeded by the first node
     * declared (needs mesh-cluster on the class path).
     *
     * @return this builder
     */
    public Builder cluster() {
      this.cluster = true;
      return this;
    }

    /**
     * The longest wait for a cluster to form ({@code 120 s} unless set: node processes are cold
     * JVMs).
     *
     * @param value the timeout
     * @return this builder
     */
    public Builder timeout(Duration value) {
      this.timeout = requireNonNull(value, "timeout");
      return this;
    }

    /**
     * A node in the test JVM hosting an agent named like it.
     *
     * @param name the node's name
     * @return this builder
     */
    public Builder node(String name) {
      return node(name, n -> {});
    }

    /**
     * A node in the test JVM.
     *
     * @param name the node's name
     * @param spec configures the node
     * @return this builder
     */
    public Builder node(String name, Consumer<NodeSpec> spec) {
      declared.add(new Declared(requireNonNull(name, "name"), false, requireNonNull(spec, "spec")));
      return this;
    }

    /**
     * A node in a child process running {@code agentweave node} (needs mesh-cli on the class path).
     *
     * @param name the node's name
     * @param spec configures the node
     * @return this builder
     */
    public Builder process(String name, Consumer<NodeSpec> spec) {
      declared.add(new Declared(requireNonNull(name, "name"), true, requireNonNull(spec, "spec")));
      return this;
    }

    /**
     * Starts the nodes in the order declared; returns when the nodes in the JVM are ready and, in a
     * cluster, see every member up.
     *
     * @return the mesh
     * @throws IllegalStateException if a node fails to start or the cluster does not form (what
     *     started is stopped again)
     */
    public TestMesh start() {
      if (declared.isEmpty()) {
        throw new IllegalStateException("a test mesh needs at least one node");
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("agentweave-testkit-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the mesh's directory", e);
      }
      TestMesh mesh = new TestMesh(this, dir);
      try {
        for (Declared d : declared) {
          mesh.spec(d.name(), d.process(), d.spec());
        }
        mesh.startAll();
        return mesh;
      } catch (RuntimeException | Error e) {
        try {
          mesh.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
