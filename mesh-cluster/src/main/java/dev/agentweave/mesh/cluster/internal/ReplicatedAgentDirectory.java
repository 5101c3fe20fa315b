package dev.agentweave.mesh.cluster.internal;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.cluster.ClusterAgentDirectory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterAgentDirectory} of a cluster member, on Pekko Distributed Data: this node's
 * entry (gateway and agents) in a replicated {@code LWWMap} keyed by node address, and an index of
 * the other nodes' entries that is rebuilt when the map or the membership changes.
 */
public final class ReplicatedAgentDirectory implements ClusterAgentDirectory {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.cluster.directory");
  static final org.apache.pekko.cluster.ddata.Key<LWWMap<String, String>> KEY =
      LWWMapKey.create("agentweave-agent-directory");

  private volatile Map<SpiffeId, List<URI>> index = Map.of();
  private final ActorRef<Command> actor;

  private ReplicatedAgentDirectory(ActorSystem<?> system) {
    this.actor =
        system.systemActorOf(
            Behaviors.<Command>setup(ctx -> new Running(ctx, this).behavior()),
            "agentweave-agent-directory",
            Props.empty());
  }

  /**
   * Starts the directory of a cluster member.
   *
   * @param system the node's actor system (cluster provider)
   * @return the directory
   */
  public static ReplicatedAgentDirectory start(ActorSystem<?> system) {
    return new ReplicatedAgentDirectory(requireNonNull(system, "system"));
  }

  /**
   * Publishes this node's gateway and the agents it hosts to the cluster.
   *
   * @param gateway the gateway's base URL as other nodes reach it
   * @param agents the agents this node hosts
   */
  public void publish(URI gateway, Collection<SpiffeId> agents) {
    actor.tell(new Publish(gateway, List.copyOf(agents)));
  }

  @Override
  public List<URI> gateways(SpiffeId agent) {
    return index.getOrDefault(agent, List.of());
  }

  @Override
  public Map<SpiffeId, List<URI>> snapshot() {
    return index;
  }

  // ---- the actor
  // ---------------------------------------------------------------------------------

  interface Command {}

  private record Publish(URI gateway, List<SpiffeId> agents) implements Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response)
      implements Command {}

  private record Updated(Replicator.UpdateResponse<LWWMap<String, String>> response)
      implements Command {}

  private record Membership(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private static final class Running {
    private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;
    private final ReplicatedAgentDirectory directory;
    private final Cluster cluster;
    private final SelfUniqueAddress self;
    private final String selfAddress;
    private Map<String, String> entries = Map.of();
    // Membership as the events tell it (the cluster's state snapshot may lag behind them).
    private final Set<String> up = new HashSet<>();
    private final Set<String> unreachable = new HashSet<>();

    Running(
        org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx,
        ReplicatedAgentDirectory d) {
      this.ctx = ctx;
      this.directory = d;
      this.cluster = Cluster.get(ctx.getSystem());
      this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
      this.selfAddress = cluster.selfMember().address().toString();
    }

    Behavior<Command> behavior() {
      return DistributedData.withReplicatorMessageAdapter(
          (ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator) -> {
            replicator.subscribe(KEY, Changed::new);
            ActorRef<ClusterEvent.MemberEvent> members =
                ctx.messageAdapter(ClusterEvent.MemberEvent.class, Membership::new);
            ActorRef<ClusterEvent.ReachabilityEvent> reachability =
                ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Membership::new);
            cluster.subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
            cluster
                .subscriptions()
                .tell(Subscribe.create(reachability, ClusterEvent.ReachabilityEvent.class));
            return Behaviors.receive(Command.class)
                .onMessage(
                    Publish.class,
                    p -> {
                      String value = encode(p.gateway(), p.agents());
                      update(replicator, map -> map.put(self, selfAddress, value));
                      LOG.info(
                          "node {} publishes {} agents at {}",
                          selfAddress,
                          p.agents().size(),
                          p.gateway());
                      return Behaviors.same();
                    })
                .onMessage(
                    Changed.class,
                    c -> {
                      if (c.response() instanceof Replicator.Changed<LWWMap<String, String>> ch) {
                        entries = Map.copyOf(ch.get(KEY).getEntries());
                        reindex();
                      }
                      return Behaviors.same();
                    })
                .onMessage(Updated.class, u -> Behaviors.same())
                .onMessage(
                    Membership.class,
                    m -> {
                      track(m.event());
                      if (m.event() instanceof ClusterEvent.MemberRemoved removed) {
                        String gone = removed.member().address().toString();
                        if (entries.containsKey(gone)) {
                          update(replicator, map -> map.remove(self, gone));
                        }
                      }
                      reindex();
                      return Behaviors.same();
                    })
                .build();
          });
    }

    /** Changes the replicated map locally; gossip spreads it. */
    private static void update(
        ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator,
        java.util.function.Function<LWWMap<String, String>, LWWMap<String, String>> change) {
      replicator.askUpdate(
          replyTo ->
              new Replicator.Update<>(
                  KEY, LWWMap.create(), Replicator.writeLocal(), replyTo, change),
          Updated::new);
    }

    private void track(ClusterEvent.ClusterDomainEvent event) {
      if (event instanceof ClusterEvent.MemberEvent e) {
        String address = e.member().address().toString();
        MemberStatus status = e.member().status();
        if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()) {
          up.add(address);
        } else if (!(e instanceof ClusterEvent.MemberJoined)) {
          up.remove(address); // leaving, exiting, down or removed
        }
        if (e instanceof ClusterEvent.MemberRemoved) {
          unreachable.remove(address);
        }
      } else if (event instanceof ClusterEvent.UnreachableMember u) {
        unreachable.add(u.member().address().toString());
      } else if (event instanceof ClusterEvent.ReachableMember r) {
        unreachable.remove(r.member().address().toString());
      }
    }

    private void reindex() {
      Set<String> live = new HashSet<>(up);
      live.removeAll(unreachable);
      Map<SpiffeId, List<URI>> next = new HashMap<>();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        if (e.getKey().equals(selfAddress) || !live.contains(e.getKey())) {
          continue;
        }
        Decoded d = decode(e.getValue());
        if (d == null) {
          continue;
        }
        for (SpiffeId agent : d.agents()) {
          next.computeIfAbsent(agent, a -> new ArrayList<>()).add(d.gateway());
        }
      }
      Map<SpiffeId, List<URI>> frozen = new LinkedHashMap<>();
      next.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
      directory.index = Map.copyOf(frozen);
    }
  }

  private record Decoded(URI gateway, List<SpiffeId> agents) {}

  /** One line: the gateway URL, then the agents' SPIFFE IDs, separated by spaces. */
  static String encode(URI gateway, List<SpiffeId> agents) {
    StringJoiner j = new StringJoiner(" ");
    j.add(gateway.toString());
    agents.forEach(a -> j.add(a.toString()));
    return j.toString();
  }

  static Decoded decode(String value) {
    try {
      String[] parts = value.split(" ");
      List<SpiffeId> agents = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        agents.add(SpiffeId.parse(parts[i]));
      }
      return new Decoded(URI.create(parts[0]), List.copyOf(agents));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring a directory entry that does not parse: {}", value);
      return null;
    }
  }
}
