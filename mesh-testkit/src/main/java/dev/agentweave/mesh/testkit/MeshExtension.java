package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a real in-JVM {@link MeshNode} for a test class (as a {@code
 * static} field) or for each test (as an instance field). The node hosts the given agents plus a
 * caller agent named {@value #CLIENT} without capabilities, from which tests make calls.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MeshExtension mesh = MeshExtension.builder().agent(SearchAgent.create()).build();
 *
 * @Test
 * void search_finds() {
 *   SearchResult r = mesh.client("search").ask("search", new SearchRequest("q", 5), SearchResult.class)
 *       .toCompletableFuture().join();
 * }
 * }</pre>
 *
 * By default the trust domain is {@value #TRUST_DOMAIN}, the environment is development and the
 * interim allow-list lets every agent of the trust domain call every other; pass YAML to change
 * that. Not thread-safe to configure; the node itself is.
 */
public final class MeshExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** The trust domain of the default settings. */
  public static final String TRUST_DOMAIN = "test.local";

  /** The name of the caller agent the extension adds. */
  public static final String CLIENT = "test-client";

  private static final String DEFAULT_YAML =
      """
      agent:
        name: %s
        trust_domain: %s
        environment: development
      authorization:
        provider: allow-list
        allow:
          - caller: "spiffe://%s/agent/*"
            callee: "spiffe://%s/agent/*"
            actions: ["*"]
      server:
        graceful_shutdown_seconds: 5
      """
          .formatted(CLIENT, TRUST_DOMAIN, TRUST_DOMAIN, TRUST_DOMAIN);

  private final MeshSettings settings;
  private final List<Agent> agents;
  private MeshNode node;
  private boolean perClass;

  private MeshExtension(MeshSettings settings, List<Agent> agents) {
    this.settings = settings;
    this.agents = agents;
  }

  /**
   * A builder with the default settings.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  private void start() {
    List<Agent> all = new ArrayList<>(agents);
    if (all.stream().noneMatch(a -> a.name().equals(CLIENT))) {
      all.add(Agent.of(CLIENT));
    }
    node = MeshNode.builder(settings).agents(all).start();
  }

  private void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /**
   * The running node.
   *
   * @return the node
   * @throws IllegalStateException outside a test
   */
  public MeshNode node() {
    if (node == null) {
      throw new IllegalStateException("the mesh runs only during tests (register the extension)");
    }
    return node;
  }

  /**
   * A ref from the test client to an agent of the trust domain.
   *
   * @param agentName the target agent's name
   * @return the ref
   */
  public AgentRef client(String agentName) {
    return node().agent(CLIENT).ref(SpiffeId.forAgent(settings.agent().trustDomain(), agentName));
  }

  /**
   * The SPIFFE ID of an agent of the trust domain.
   *
   * @param agentName the name
   * @return the ID
   */
  public SpiffeId id(String agentName) {
    return SpiffeId.forAgent(settings.agent().trustDomain(), agentName);
  }

  /** Builds a {@link MeshExtension}. */
  public static final class Builder {
    private MeshSettings settings =
        MeshSettings.parse("mesh-testkit defaults", DEFAULT_YAML, Map.of());
    private final List<Agent> agents = new ArrayList<>();

    private Builder() {}

    /**
     * Hosts an agent.
     *
     * @param agent the agent
     * @return this builder
     */
    public Builder agent(Agent agent) {
      agents.add(requireNonNull(agent, "agent"));
      return this;
    }

    /**
     * Hosts agents.
     *
     * @param list the agents
     * @return this builder
     */
    public Builder agents(List<Agent> list) {
      list.forEach(this::agent);
      return this;
    }

    /**
     * Uses these settings instead of the defaults.
     *
     * @param value the settings
     * @return this builder
     */
    public Builder settings(MeshSettings value) {
      this.settings = requireNonNull(value, "settings");
      return this;
    }

    /**
     * Uses settings parsed from YAML (no environment overrides).
     *
     * @param yaml the configuration
     * @return this builder
     */
    public Builder yaml(String yaml) {
      this.settings = MeshSettings.parse("mesh-testkit yaml", yaml, Map.of());
      return this;
    }

    /**
     * Builds the extension; the node starts when tests run.
     *
     * @return the extension
     */
    public MeshExtension build() {
      return new MeshExtension(settings, List.copyOf(agents));
    }
  }
}
