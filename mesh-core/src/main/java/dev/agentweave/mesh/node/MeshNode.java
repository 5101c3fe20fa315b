package dev.agentweave.mesh.node;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentHandle;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.internal.AgentRuntime;
import dev.agentweave.mesh.internal.MeshRuntime;
import dev.agentweave.mesh.internal.ScrapeEndpoint;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.NodeExtension;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running node of the mesh: it hosts agents, runs each capability as an actor, enforces
 * authorization, records metrics and has a lifecycle ({@link NodeState}).
 *
 * <pre>{@code
 * MeshSettings settings = MeshSettings.load(Path.of("config.yaml"));
 * try (MeshNode node = MeshNode.builder(settings).agent(search).agent(client).start()) {
 *   AgentRef ref = node.agent("client").ref("spiffe://example.org/agent/search");
 *   SearchResult r = ref.ask("search", new SearchRequest("q", 10), SearchResult.class)
 *       .toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>{@link #stop()} (or {@link #close()}, or SIGTERM through Pekko's coordinated shutdown) stops
 * taking new calls, lets calls in flight finish for up to {@code server.graceful_shutdown_seconds},
 * then stops. Thread-safe.
 */
public final class MeshNode implements AutoCloseable {
  private final MeshRuntime runtime;

  private MeshNode(MeshRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * A builder for a node with the given settings.
   *
   * @param settings the node's settings
   * @return the builder
   */
  public static Builder builder(MeshSettings settings) {
    return new Builder(requireNonNull(settings, "settings"));
  }

  /** The lifecycle state. */
  public NodeState state() {
    return runtime.state();
  }

  /** The settings the node runs with. */
  public MeshSettings settings() {
    return runtime.settings();
  }

  /** The node's metrics: framework meters, JVM and system binders, and user meters. */
  public Metrics metrics() {
    return runtime.metrics();
  }

  /**
   * A hosted agent, to make calls as it from outside handlers.
   *
   * @param name the agent name
   * @return the agent
   * @throws IllegalArgumentException if the node hosts no such agent
   */
  public AgentHandle agent(String name) {
    requireNonNull(name, "name");
    AgentRuntime a = runtime.agent(name);
    if (a == null) {
      List<String> names = new ArrayList<>();
      runtime.agents().forEach(x -> names.add(x.agent().name()));
      throw new IllegalArgumentException(
          "agent '"
              + name
              + "' is not hosted on this node (hosted: "
              + String.join(", ", names)
              + ")");
    }
    return a;
  }

  /** Every hosted agent, in the order given to the builder. */
  public List<AgentHandle> agents() {
    return List.copyOf(runtime.agents());
  }

  /**
   * The node's Pekko actor system: the one escape hatch to Pekko, for integrations that run their
   * own actors or streams on the node. Agents, refs and the modules' parts need no Pekko types.
   *
   * @return the actor system
   */
  public org.apache.pekko.actor.typed.ActorSystem<Void> actorSystem() {
    return runtime.actorSystem();
  }

  /**
   * A part a module started on this node, by type: for example {@code
   * node.component(Gateway.class)} for the gateway's URL, or {@code
   * node.component(GatewayClient.class)} for the pooled client's statistics.
   *
   * @param type the part's type
   * @param <T> the type
   * @return the part, or empty when no module started one (the module is not on the class path, or
   *     the configuration turned it off)
   */
  public <T> Optional<T> component(Class<T> type) {
    return runtime.component(requireNonNull(type, "type"));
  }

  /**
   * Asks the node's authorizer a question, as the inbound enforcement point would: through the
   * decision cache, audited like any decision. For tools ({@code agentweave authz check}) and
   * tests: the decision carries the engine's reason, and a denial is not logged as a refused call.
   *
   * @param caller the caller
   * @param callee the callee
   * @param action the capability
   * @return the decision; a failing authorizer yields a deny (fail closed)
   */
  public CompletionStage<AuthzDecision> checkAuthorization(
      SpiffeId caller, SpiffeId callee, String action) {
    return runtime.checkAuthorization(caller, callee, action);
  }

  /**
   * The node's authorizer, if it is of the given type: for example {@code
   * node.authorizer(CachingAuthorizer.class)} to manage the decision cache.
   *
   * @param type the expected type
   * @param <T> the type
   * @return the authorizer, if it has that type
   */
  public <T extends Authorizer> Optional<T> authorizer(Class<T> type) {
    return runtime.authorizer(type);
  }

  /** Calls accepted by this node's capabilities and not yet finished. */
  public int callsInFlight() {
    return runtime.inFlight();
  }

  /**
   * Stops the node: new calls fail with {@link UnavailableException}, calls in flight (and the
   * onward calls they make) may finish within the grace period, then the actor system stops and
   * calls still running fail as unavailable. Idempotent.
   *
   * @return completes when the node is {@link NodeState#STOPPED}
   */
  public CompletionStage<Void> stop() {
    return runtime.stop();
  }

  /**
   * Stops the node and waits for it, up to the grace period plus a minute (leaving a cluster takes
   * a few acknowledged steps).
   *
   * @throws IllegalStateException if the node did not stop in time
   */
  @Override
  public void close() {
    Duration wait = runtime.settings().server().gracefulShutdown().plusSeconds(60);
    try {
      stop().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the node", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("node did not stop within " + wait, e);
    }
  }

  @Override
  public String toString() {
    return "MeshNode[" + runtime.settings().agent().name() + ", " + state() + "]";
  }

  /** Builds and starts a {@link MeshNode}. Not thread-safe. */
  public static final class Builder {
    private final MeshSettings settings;
    private final List<Agent> agents = new ArrayList<>();
    private final List<KeyedAgent<?>> keyedAgents = new ArrayList<>();
    private Authorizer authorizer;
    private PrometheusMeterRegistry registry;
    private dev.agentweave.mesh.identity.IdentitySource identities;
    private final List<dev.agentweave.mesh.spi.CallInterceptor> interceptors = new ArrayList<>();
    private final List<NodeExtension> extensions = new ArrayList<>();

    private Builder(MeshSettings settings) {
      this.settings = settings;
    }

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
     * Hosts a keyed agent: its entities run on Pekko Cluster Sharding, so the node needs {@code
     * cluster.enabled: true} and the mesh-cluster module.
     *
     * @param agent the keyed agent
     * @return this builder
     */
    public Builder agent(KeyedAgent<?> agent) {
      keyedAgents.add(requireNonNull(agent, "agent"));
      return this;
    }

    /**
     * Hosts agents.
     *
     * @param list the agents
     * @return this builder
     */
    public Builder agents(Collection<Agent> list) {
      list.forEach(this::agent);
      return this;
    }

    /**
     * Uses this authorizer instead of the one {@code authorization.provider} names.
     *
     * @param value the authorizer
     * @return this builder
     */
    public Builder authorizer(Authorizer value) {
      this.authorizer = requireNonNull(value, "authorizer");
      return this;
    }

    /**
     * The node's identity source, for the parts of the node that authenticate (the gateway, its
     * pooled client, cluster remoting). Without one, the node creates the source {@code identity:}
     * configures when a part first needs it, and closes it once stopped.
     *
     * @param value the identity source; the caller closes it after the node stopped
     * @return this builder
     */
    public Builder identities(dev.agentweave.mesh.identity.IdentitySource value) {
      this.identities = requireNonNull(value, "identities");
      return this;
    }

    /**
     * Adds an interceptor that learns of every call of the node, whatever its entrance, and of its
     * outcome (for example to trace or log calls). Interceptors are called in the order added.
     *
     * @param value the interceptor
     * @return this builder
     */
    public Builder interceptor(dev.agentweave.mesh.spi.CallInterceptor value) {
      interceptors.add(requireNonNull(value, "interceptor"));
      return this;
    }

    /**
     * Adds an extension beside those found with {@link java.util.ServiceLoader}; it starts after
     * them.
     *
     * @param value the extension
     * @return this builder
     */
    public Builder extension(NodeExtension value) {
      extensions.add(requireNonNull(value, "extension"));
      return this;
    }

    /**
     * Records meters into this registry instead of a new one.
     *
     * @param value the registry
     * @return this builder
     */
    public Builder meterRegistry(PrometheusMeterRegistry value) {
      this.registry = requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Starts the node; returns when it is {@link NodeState#READY}.
     *
     * @return the node
     * @throws IllegalArgumentException if agents clash or {@code agent.capabilities} names a
     *     capability the default agent does not declare
     */
    public MeshNode start() {
      MeshRuntime runtime =
          MeshRuntime.start(
              settings,
              List.copyOf(agents),
              List.copyOf(keyedAgents),
              authorizer,
              registry,
              Optional.ofNullable(identities),
              List.copyOf(interceptors),
              List.copyOf(extensions));
      MeshNode node = new MeshNode(runtime);
      try {
        ScrapeEndpoint scrape = ScrapeEndpoint.start(settings, () -> runtime.metrics().scrape());
        if (scrape != null) {
          runtime.actorSystem().getWhenTerminated().thenRun(scrape::close);
        }
        runtime.startExtensions();
        runtime.checkKeyedAgentsRun();
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
      runtime.markReady();
      return node;
    }
  }
}
