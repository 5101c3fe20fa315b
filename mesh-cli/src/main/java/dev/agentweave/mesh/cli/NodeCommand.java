package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.cluster.ClusterSettings;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.samples.SampleAgents;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentweave node}: runs a node with its TLS-only gateway, hosting the sample agents (and
 * the default agent {@code agent.name}); prints {@code ready <gateway URL>} once it serves and runs
 * until SIGTERM or SIGINT, which drain in-flight calls before the process exits.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run a node with its gateway until SIGTERM.")
final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/node.yaml",
      description = "The node's configuration (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description =
          "Record the run with JFR (the JDK's profile settings, at most 1 GiB) into DIR; the file"
              + " is written when the node stops.")
  Path profile;

  @Option(
      names = "--flame",
      paramLabel = "EVENT",
      description =
          "With --profile: also an async-profiler flame graph (HTML) of cpu, alloc, wall or lock.")
  String flame;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MeshSettings settings;
    try {
      settings = MeshSettings.load(config);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    settings.warnings().forEach(w -> err.println("warning: " + w));
    Path files = Path.of(".agentweave", "files");
    Files.createDirectories(files);
    List<Agent> samples = SampleAgents.all(files);
    List<String> wanted = settings.server().agents();
    List<Agent> agents = new ArrayList<>();
    for (Agent a : samples) {
      if (wanted.isEmpty()
          || wanted.contains(a.name())
          || a.name().equals(settings.agent().name())) {
        agents.add(a);
      }
    }
    // Keyed samples run on Cluster Sharding: hosted when listed, or by default on cluster members.
    List<KeyedAgent<?>> keyedSamples =
        SampleAgents.keyed(settings.section(ClusterSettings.class).nodeName());
    List<KeyedAgent<?>> keyed = new ArrayList<>();
    for (KeyedAgent<?> k : keyedSamples) {
      if (wanted.contains(k.name())
          || k.name().equals(settings.agent().name())
          || (wanted.isEmpty() && settings.section(ClusterSettings.class).enabled())) {
        keyed.add(k);
      }
    }
    List<String> known = new ArrayList<>(samples.stream().map(Agent::name).toList());
    keyedSamples.forEach(k -> known.add(k.name()));
    for (String name : wanted) {
      if (!known.contains(name)) {
        err.println(
            "server.agents: '"
                + name
                + "' is not a sample agent (expected: some of "
                + String.join(", ", known)
                + ")");
        err.flush();
        return 2;
      }
    }
    if (agents.stream().noneMatch(a -> a.name().equals(settings.agent().name()))
        && keyed.stream().noneMatch(k -> k.name().equals(settings.agent().name()))) {
      agents.add(Agent.of(settings.agent().name()));
    }
    if (flame != null && profile == null) {
      err.println("--flame: needs --profile DIR (expected: where to write the flame graph)");
      err.flush();
      return 2;
    }
    NodeProfiling profiling = null;
    if (profile != null) {
      try {
        profiling = NodeProfiling.start(profile, settings.agent().name(), flame, err);
      } catch (IllegalArgumentException | IllegalStateException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
    }
    NodeProfiling recorded = profiling;
    IdentitySource identities;
    try {
      identities = IdentitySources.fromSettings(settings);
    } catch (IdentityException e) {
      err.println("identity: " + e.getMessage());
      err.flush();
      closeQuietly(recorded);
      return 2;
    }
    // The gateway and its pooled client start with the node (mesh-http's node extension).
    MeshNode.Builder builder = MeshNode.builder(settings).agents(agents).identities(identities);
    keyed.forEach(builder::agent);
    MeshNode node;
    try {
      node = builder.start();
    } catch (IllegalStateException | IllegalArgumentException e) {
      // a wrong setting, or a part that could not start (such as a gateway port in use)
      err.println(e.getMessage());
      err.flush();
      identities.close();
      closeQuietly(recorded);
      return 2;
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      err.flush();
      identities.close();
      closeQuietly(recorded);
      return 1;
    }
    // SIGTERM and SIGINT stop the node as a planned stop: the gateway releases its port, answers
    // new requests 503 with Connection: close, in-flight calls finish within
    // server.graceful_shutdown_seconds, the cluster member leaves; then the process exits 0. (The
    // JVM's own handling would run the same sequence in a shutdown hook but exit 143.)
    AtomicReference<String> signal = new AtomicReference<>();
    StopSignals.install(
        name -> {
          if (signal.compareAndSet(null, name)) {
            err.println(
                "stopping on SIG"
                    + name
                    + ": draining for up to "
                    + settings.server().gracefulShutdown().toMillis() / 1000.0
                    + " s");
            err.flush();
            node.stop();
          }
        });
    CoordinatedShutdown.get(node.actorSystem())
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "agentweave-node-stopped",
            () -> {
              identities.close();
              closeQuietly(recorded);
              out.println("stopped");
              out.flush();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    out.println(
        node.component(Gateway.class)
            .map(g -> "ready " + g.url())
            .orElse("ready (no gateway: server.enabled is false)"));
    out.flush();
    node.actorSystem().getWhenTerminated().toCompletableFuture().join();
    if (signal.get() != null) {
      return 0;
    }
    // stopped without a signal: the cluster downed this node, or another part stopped it
    String reason =
        CoordinatedShutdown.get(node.actorSystem())
            .getShutdownReason()
            .map(Object::toString)
            .orElse("unknown");
    err.println("node stopped without a stop signal (reason: " + reason + ")");
    err.flush();
    return 1;
  }

  private static void closeQuietly(NodeProfiling profiling) {
    if (profiling != null) {
      profiling.close();
    }
  }
}
