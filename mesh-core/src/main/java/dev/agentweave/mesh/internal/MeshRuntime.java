package dev.agentweave.mesh.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import dev.agentweave.mesh.config.AgentSettings.CapabilitySettings;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.MeshSettings.DefaultAction;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.CallInterceptor;
import dev.agentweave.mesh.support.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one node: the actor system, the hosted agents and their capability actors, the
 * authorization enforcement points, the meters and the lifecycle. {@link
 * dev.agentweave.mesh.node.MeshNode} is its public face.
 */
public final class MeshRuntime {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.node");

  private final MeshSettings settings;
  private final ActorSystem<Void> system;
  private final MetricsFacade metrics;
  private final MeshMeters meters;
  private final Authorizer authorizer;
  private final ObjectMapper json = Json.newMapper();
  private final WireCodec codec = new WireCodec(json);
  private final InboundCallsImpl inbound = new InboundCallsImpl(this);
  private final CallPipeline pipeline;
  private final NodeContextImpl context;
  private volatile dev.agentweave.mesh.spi.EntityRouter entityRouter;
  private final Map<SpiffeId, KeyedAgentRuntime> keyed = new LinkedHashMap<>();
  private final Map<SpiffeId, AgentRuntime> agents = new LinkedHashMap<>();
  private final Map<String, AgentRuntime> agentsByName = new LinkedHashMap<>();
  private final Executor blockingExecutor;
  private final Executor dispatcher;
  private final Duration defaultTimeout;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final DeadlineSweeper deadlines = new DeadlineSweeper();
  private final List<dev.agentweave.mesh.spi.NodeExtension> extensions;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile NodeState state = NodeState.STARTING;

  /**
   * Starts a node: creates the actor system, spawns one actor per capability and becomes ready.
   *
   * @param settings the settings
   * @param agentList the agents to host
   * @param keyedList the keyed agents to host
   * @param authorizer the authorizer, or {@code null} to build the configured one
   * @param registry the registry, or {@code null} for a new one
   * @return the running node
   */
  public static MeshRuntime start(
      MeshSettings settings,
      Collection<Agent> agentList,
      Collection<dev.agentweave.mesh.KeyedAgent<?>> keyedList,
      Authorizer authorizer,
      PrometheusMeterRegistry registry,
      java.util.Optional<dev.agentweave.mesh.identity.IdentitySource> identities,
      List<CallInterceptor> interceptors,
      List<dev.agentweave.mesh.spi.NodeExtension> extensions) {
    return new MeshRuntime(
        settings, agentList, keyedList, authorizer, registry, identities, interceptors, extensions);
  }

  private MeshRuntime(
      MeshSettings settings,
      Collection<Agent> plainAgents,
      Collection<dev.agentweave.mesh.KeyedAgent<?>> keyedList,
      Authorizer customAuthorizer,
      PrometheusMeterRegistry registry,
      java.util.Optional<dev.agentweave.mesh.identity.IdentitySource> identities,
      List<CallInterceptor> interceptors,
      List<dev.agentweave.mesh.spi.NodeExtension> explicitExtensions) {
    this.settings = settings;
    this.context = new NodeContextImpl(this, settings, identities.orElse(null));
    this.defaultTimeout = settings.transport().timeout();
    List<Agent> agentList = new ArrayList<>(plainAgents);
    for (dev.agentweave.mesh.KeyedAgent<?> k : keyedList) {
      KeyedAgentRuntime kr =
          new KeyedAgentRuntime(this, k, k.spiffeId(settings.agent().trustDomain()));
      keyed.put(kr.spiffeId(), kr);
      agentList.add(kr.frontDeclaration());
    }
    checkAgents(settings, agentList);
    this.metrics = new MetricsFacade(registry, settings.observability().metrics());
    this.meters = new MeshMeters(metrics);
    this.authorizer =
        customAuthorizer != null ? customAuthorizer : Authorizers.fromSettings(settings, metrics);
    this.pipeline =
        new CallPipeline(
            this,
            new Resolver(agents, settings),
            new AuthorizationStage(
                authorizer,
                meters,
                settings.authorization().defaultAction() == DefaultAction.LOG_ONLY),
            meters,
            codec,
            interceptors);
    String systemName = "agentweave-" + settings.agent().name();
    Config config = pekkoConfig(settings);
    this.extensions = loadExtensions(explicitExtensions);
    for (dev.agentweave.mesh.spi.NodeExtension ext : extensions) {
      String extra = ext.pekkoConfig(context);
      if (!extra.isBlank()) {
        config = ConfigFactory.parseString(extra).withFallback(config);
      }
      systemName = ext.actorSystemName(settings).orElse(systemName);
    }
    this.system = ActorSystem.create(Behaviors.empty(), systemName, config);
    this.dispatcher = system.executionContext();
    this.blockingExecutor =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig("agentweave.blocking-dispatcher"));
    for (Agent agent : agentList) {
      SpiffeId id = agent.spiffeId(settings.agent().trustDomain());
      List<CapabilitySettings> overrides =
          agent.name().equals(settings.agent().name()) && agent.trustDomain().isEmpty()
              ? settings.agent().capabilities()
              : List.of();
      AgentRuntime rt = new AgentRuntime(this, agent, id, overrides);
      agents.put(id, rt);
      agentsByName.put(agent.name(), rt);
      KeyedAgentRuntime kr = keyed.get(id);
      if (kr != null) {
        kr.bind(rt);
      }
    }
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofNanos(DeadlineSweeper.TICK_NANOS),
            Duration.ofNanos(DeadlineSweeper.TICK_NANOS),
            deadlines::sweep,
            system.executionContext());
    registerShutdown();
    meters.bindNode(this);
  }

  private static List<dev.agentweave.mesh.spi.NodeExtension> loadExtensions(
      List<dev.agentweave.mesh.spi.NodeExtension> explicit) {
    List<dev.agentweave.mesh.spi.NodeExtension> out = new ArrayList<>();
    java.util.ServiceLoader.load(
            dev.agentweave.mesh.spi.NodeExtension.class, MeshRuntime.class.getClassLoader())
        .forEach(out::add);
    out.addAll(explicit);
    return out;
  }

  /** Starts the extensions' parts, in order; the first failure is thrown. */
  public void startExtensions() {
    for (dev.agentweave.mesh.spi.NodeExtension ext : extensions) {
      ext.started(context);
    }
  }

  /** The parts extensions registered, by type. */
  public <T> java.util.Optional<T> component(Class<T> type) {
    return context.component(type);
  }

  /** The identities of the keyed agents hosted here. */
  List<SpiffeId> keyedAgentIds() {
    return List.copyOf(keyed.keySet());
  }

  /** The hosted keyed agents, in the order given at start. */
  public List<dev.agentweave.mesh.spi.KeyedAgentHost> keyedAgents() {
    return List.copyOf(keyed.values());
  }

  /** Sets the router that sends calls of keyed agents to their entities (mesh-cluster). */
  void useEntityRouter(dev.agentweave.mesh.spi.EntityRouter router) {
    this.entityRouter = router;
  }

  dev.agentweave.mesh.spi.EntityRouter entityRouter() {
    return entityRouter;
  }

  /**
   * Fails when the node hosts keyed agents and no extension runs their entities.
   *
   * @throws IllegalStateException naming the agents and what they need
   */
  public void checkKeyedAgentsRun() {
    if (!keyed.isEmpty() && entityRouter == null) {
      throw new IllegalStateException(
          "keyed agents "
              + keyed.keySet()
              + " run on Pekko Cluster Sharding (expected: cluster.enabled: true, with the"
              + " mesh-cluster module on the class path; a single node forms a one-node cluster)");
    }
  }

  /** Marks the node ready: extensions have started. */
  public void markReady() {
    state = NodeState.READY;
    LOG.info(
        "node {} ready: {} agents, authorizer {}",
        settings.agent().name(),
        agents.size(),
        this.authorizer.name());
  }

  private static void checkAgents(MeshSettings settings, Collection<Agent> agentList) {
    List<String> names = new ArrayList<>();
    for (Agent a : agentList) {
      if (names.contains(a.name())) {
        throw new IllegalArgumentException("agent '" + a.name() + "' is hosted twice");
      }
      names.add(a.name());
    }
    Agent defaultAgent =
        agentList.stream()
            .filter(a -> a.name().equals(settings.agent().name()))
            .findFirst()
            .orElse(null);
    for (CapabilitySettings c : settings.agent().capabilities()) {
      if (defaultAgent == null || defaultAgent.capability(c.name()).isEmpty()) {
        throw new IllegalArgumentException(
            "agent.capabilities: '"
                + c.name()
                + "' (expected: a capability declared by agent '"
                + settings.agent().name()
                + "'"
                + (defaultAgent == null
                    ? ", which this node does not host"
                    : ", which has: "
                        + String.join(
                            ", ", defaultAgent.capabilities().stream().map(x -> x.name()).toList()))
                + ")");
      }
    }
  }

  private static Config pekkoConfig(MeshSettings s) {
    long graceMillis = s.server().gracefulShutdown().toMillis();
    String level =
        switch (s.observability().logging().level().toUpperCase(Locale.ROOT)) {
          case "WARN", "WARNING" -> "WARNING";
          case "CRITICAL" -> "ERROR";
          default -> s.observability().logging().level().toUpperCase(Locale.ROOT);
        };
    String overlay =
        "pekko.loglevel = "
            + level
            + "\n"
            + "pekko.coordinated-shutdown.phases.service-requests-done.timeout = "
            + (graceMillis + 5_000)
            + "ms\n"
            + "agentweave.blocking-dispatcher.thread-pool-executor.fixed-pool-size = "
            + s.server().blockingPoolSize()
            + "\n";
    return ConfigFactory.parseString(overlay)
        .withFallback(ConfigFactory.load(MeshRuntime.class.getClassLoader()));
  }

  private void registerShutdown() {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "agentweave-stop-accepting",
        () -> {
          if (state == NodeState.READY || state == NodeState.STARTING) {
            state = NodeState.DRAINING;
            LOG.info(
                "node {} draining: {} calls in flight", settings.agent().name(), inFlight.get());
          }
          if (inFlight.get() == 0) {
            drained.complete(null);
          }
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    cs.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "agentweave-drain",
        () -> {
          Duration grace = settings.server().gracefulShutdown();
          return drained
              .completeOnTimeout(null, grace.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
              .thenApply(
                  x -> {
                    int left = inFlight.get();
                    if (left > 0) {
                      LOG.warn(
                          "node {}: grace period {} over with {} calls in flight; they fail as unavailable",
                          settings.agent().name(),
                          grace,
                          left);
                    }
                    return Done.getInstance();
                  });
        });
    system
        .getWhenTerminated()
        .whenComplete(
            (d, e) -> {
              state = NodeState.STOPPED;
              deadlines.abortAll(
                  new UnavailableException(
                      "node " + settings.agent().name() + " stopped before the call completed"));
              try {
                authorizer.close();
              } catch (Exception ex) {
                LOG.warn("authorizer {} failed to close", authorizer.name(), ex);
              }
              meters.close();
              context.closeOwned();
              stopped.complete(null);
            });
  }

  /**
   * Stops the node: refuse new calls, drain, stop.
   *
   * @return completes when stopped
   */
  public CompletionStage<Void> stop() {
    if (state == NodeState.READY || state == NodeState.STARTING) {
      CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());
    }
    return stopped;
  }

  // ---- accessors -------------------------------------------------------------------------------

  /** The settings. */
  public MeshSettings settings() {
    return settings;
  }

  /** The lifecycle state. */
  public NodeState state() {
    return state;
  }

  /** The authorizer. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** The authorizer, if it is of the given type. */
  public <T extends Authorizer> java.util.Optional<T> authorizer(Class<T> type) {
    return type.isInstance(authorizer)
        ? java.util.Optional.of(type.cast(authorizer))
        : java.util.Optional.empty();
  }

  /** The metrics facade. */
  public MetricsFacade metrics() {
    return metrics;
  }

  MeshMeters meters() {
    return meters;
  }

  ObjectMapper json() {
    return json;
  }

  /** How requests and answers leave this node and are read back. */
  WireCodec codec() {
    return codec;
  }

  ActorSystem<Void> system() {
    return system;
  }

  /** The actor system, for integrations. */
  public ActorSystem<Void> actorSystem() {
    return system;
  }

  Executor blockingExecutor() {
    return blockingExecutor;
  }

  Executor dispatcher() {
    return dispatcher;
  }

  Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** Calls accepted and not yet finished. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * The hosted agent with the given name.
   *
   * @param name the agent name
   * @return the agent runtime or {@code null}
   */
  public AgentRuntime agent(String name) {
    return agentsByName.get(name);
  }

  /** The hosted agent with the given identity, or {@code null}. */
  AgentRuntime hosted(SpiffeId id) {
    return agents.get(id);
  }

  /** The node's call pipeline. */
  CallPipeline pipeline() {
    return pipeline;
  }

  /** One inbound decision through the authorizer, fail closed. */
  public CompletionStage<dev.agentweave.mesh.spi.AuthzDecision> checkAuthorization(
      SpiffeId caller, SpiffeId callee, String action) {
    return pipeline.authorization().check(caller, callee, action, false);
  }

  /** The entry point for calls that arrive from outside the process. */
  public dev.agentweave.mesh.spi.InboundCalls inbound() {
    return inbound;
  }

  /** Every hosted agent, in the order given at start. */
  public Collection<AgentRuntime> agents() {
    return agents.values();
  }

  DeadlineSweeper deadlines() {
    return deadlines;
  }

  // ---- admission and drain ---------------------------------------------------------------------

  /** Whether new calls are taken: from outside handlers only when ready. */
  boolean acceptsCalls(boolean fromHandler) {
    NodeState s = state;
    return s == NodeState.READY || (fromHandler && s == NodeState.DRAINING);
  }

  UnavailableException notAccepting() {
    return new UnavailableException(
        "node "
            + settings.agent().name()
            + " is "
            + state.name().toLowerCase(Locale.ROOT)
            + " and takes no new calls");
  }

  void admitted() {
    inFlight.incrementAndGet();
  }

  void finished() {
    if (inFlight.decrementAndGet() == 0 && state != NodeState.READY) {
      drained.complete(null);
    }
  }
}
