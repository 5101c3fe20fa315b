package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.DevCaIdentitySource;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pekko remoting over TLS with SPIFFE node identities: real handshakes between real clusters. */
class SpiffeRemotingIT {
  private final List<ActorSystem<Void>> systems = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : systems) {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private ActorSystem<Void> node(
      String name, DevCertificateAuthority ca, SpiffeId id, List<String> rejections) {
    DevCaIdentitySource source =
        new DevCaIdentitySource(ca, Duration.ofHours(1), 0.5, List.of(), List.of());
    closeables.add(source);
    closeables.add(SpiffeRemotingTls.register(source, id, "1.3", rejections::add));
    Config config =
        ConfigFactory.parseString(
                SpiffeRemotingTls.config(id)
                    + "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.cluster.jmx.enabled = off\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n")
            .withFallback(ConfigFactory.load());
    // Every node of a cluster has the same actor system name; the name argument only labels logs.
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "agentweave", config);
    SpiffeRemotingTls.boundTermination(system);
    systems.add(system);
    return system;
  }

  private static Address address(ActorSystem<Void> s) {
    return Cluster.get(s).selfMember().address();
  }

  private static long upMembers(ActorSystem<Void> s) {
    return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  @Test
  void nodesOfTheTrustDomainFormACluster_andOthersAreRefused() throws Exception {
    Path dir = Files.createTempDirectory("agentweave-remoting-it");
    DevCertificateAuthority ca =
        DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("test.local"));
    DevCertificateAuthority foreign =
        DevCertificateAuthority.openOrCreate(dir.resolve("foreign"), new TrustDomain("other.org"));
    List<String> rejectedByA = new CopyOnWriteArrayList<>();
    ActorSystem<Void> a =
        node("node-a", ca, SpiffeRemotingTls.nodeId("test.local", "a"), rejectedByA);
    ActorSystem<Void> b =
        node(
            "node-b",
            ca,
            SpiffeRemotingTls.nodeId("test.local", "b"),
            new CopyOnWriteArrayList<>());
    Cluster.get(a).manager().tell(Join.create(address(a)));
    Cluster.get(b).manager().tell(Join.create(address(a)));
    await().atMost(Duration.ofSeconds(60)).until(() -> upMembers(a) == 2 && upMembers(b) == 2);

    // A node of another trust domain cannot connect: the TLS handshake fails (here on its own
    // side first, since it accepts no peer of test.local either) and it never becomes a member.
    List<String> rejectedByEvil = new CopyOnWriteArrayList<>();
    ActorSystem<Void> evil =
        node("node-evil", foreign, SpiffeRemotingTls.nodeId("other.org", "evil"), rejectedByEvil);
    Cluster.get(evil).manager().tell(Join.create(address(a)));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                rejectedByEvil.stream()
                        .anyMatch(r -> r.contains("trust domain test.local is not accepted"))
                    || rejectedByA.stream()
                        .anyMatch(r -> r.contains("trust domain other.org is not accepted")));
    assertThat(upMembers(a)).isEqualTo(2);
    assertThat(
            StreamSupport.stream(Cluster.get(a).state().getMembers().spliterator(), false)
                .map(m -> m.address()))
        .containsExactlyInAnyOrder(address(a), address(b));
    assertThat(upMembers(evil)).isZero();
  }
}
