package dev.agentweave.mesh.internal;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.NodeState;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.spi.AgentDirectory;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.EntityRouter;
import dev.agentweave.mesh.spi.InboundCalls;
import dev.agentweave.mesh.spi.KeyedAgentHost;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.RemoteTransport;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeContext} of one node, handed to its extensions: the node's wiring, its identity
 * source (given, or made from {@code identity:} on first use and closed when the node stopped) and
 * the parts the extensions registered.
 */
final class NodeContextImpl implements NodeContext {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.node");

  private final MeshRuntime runtime;
  private final MeshSettings settings;
  private final IdentitySource given;
  private volatile IdentitySource created;
  private final CompletableFuture<URI> gateway = new CompletableFuture<>();
  private final ConcurrentHashMap<Class<?>, Object> components = new ConcurrentHashMap<>();

  NodeContextImpl(MeshRuntime runtime, MeshSettings settings, IdentitySource given) {
    this.runtime = runtime;
    this.settings = settings;
    this.given = given;
  }

  @Override
  public MeshSettings settings() {
    return settings;
  }

  @Override
  public IdentitySource identities() {
    if (given != null) {
      return given;
    }
    IdentitySource s = created;
    if (s != null) {
      return s;
    }
    synchronized (this) {
      if (created == null) {
        created = IdentityProviders.open(settings);
      }
      return created;
    }
  }

  /** Closes the identity source if the node created it. */
  void closeOwned() {
    IdentitySource s;
    synchronized (this) {
      s = created;
      created = null;
    }
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.warn("identity source of node {} failed to close", settings.agent().name(), e);
      }
    }
  }

  @Override
  public List<SpiffeId> keyedAgentIds() {
    return runtime.keyedAgentIds();
  }

  @Override
  public ActorSystem<Void> actorSystem() {
    return runtime.actorSystem();
  }

  @Override
  public Metrics metrics() {
    return runtime.metrics();
  }

  @Override
  public NodeState state() {
    return runtime.state();
  }

  @Override
  public List<SpiffeId> hostedAgents() {
    return runtime.agents().stream().map(AgentRuntime::spiffeId).toList();
  }

  @Override
  public List<dev.agentweave.mesh.Agent> hostedAgentDeclarations() {
    return runtime.agents().stream().map(AgentRuntime::agent).toList();
  }

  @Override
  public List<KeyedAgentHost> keyedAgents() {
    return runtime.keyedAgents();
  }

  @Override
  public InboundCalls inbound() {
    return runtime.inbound();
  }

  @Override
  public void useRemoteTransport(RemoteTransport transport) {
    runtime.pipeline().resolver().useTransport(requireNonNull(transport, "transport"));
  }

  @Override
  public void useEntityRouter(EntityRouter router) {
    runtime.useEntityRouter(requireNonNull(router, "router"));
  }

  @Override
  public void useAgentDirectory(AgentDirectory directory) {
    runtime.pipeline().resolver().useDirectory(requireNonNull(directory, "directory"));
  }

  @Override
  public void advertiseGateway(URI url) {
    gateway.complete(requireNonNull(url, "url"));
  }

  @Override
  public CompletionStage<URI> advertisedGateway() {
    return gateway.minimalCompletionStage();
  }

  @Override
  public CompletionStage<AuthzDecision> checkAuthorization(
      SpiffeId caller, SpiffeId callee, String action) {
    return runtime.pipeline().authorization().check(caller, callee, action, true);
  }

  @Override
  public <T extends Authorizer> Optional<T> authorizer(Class<T> type) {
    return runtime.authorizer(type);
  }

  @Override
  public <T> void register(Class<T> type, T component) {
    requireNonNull(type, "type");
    if (!type.isInstance(requireNonNull(component, "component"))) {
      throw new IllegalArgumentException(component + " is not a " + type.getName());
    }
    if (components.putIfAbsent(type, component) != null) {
      throw new IllegalStateException("a " + type.getName() + " is registered already");
    }
  }

  /** The registered part of the given type, if any. */
  <T> Optional<T> component(Class<T> type) {
    return Optional.ofNullable(components.get(type)).map(type::cast);
  }
}
