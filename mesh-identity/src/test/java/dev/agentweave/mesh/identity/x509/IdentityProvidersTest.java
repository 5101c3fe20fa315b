package dev.agentweave.mesh.identity.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.IdentityProvider;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.spi.NodeExtension;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityProvidersTest {
  @TempDir Path dir;

  @Test
  void serviceLoader_findsTheThreeProviders() {
    List<String> names = new ArrayList<>();
    for (IdentityProvider p : ServiceLoader.load(IdentityProvider.class)) {
      names.add(p.name());
    }
    assertThat(names).containsExactlyInAnyOrder("dev-ca", "files", "spiffe");
  }

  @Test
  void anExtensionGetsTheSvidOfTheSourceTheNodeOpenedThroughTheProvider() {
    MeshSettings settings =
        MeshSettings.parse(
            "test",
            """
            agent:
              name: a
              trust_domain: test.local
              environment: development
            authorization:
              provider: allow-all
            identity:
              provider: dev-ca
              dev_ca: {directory: "%s"}
            """
                .formatted(dir.resolve("ca")),
            Map.of());
    AtomicReference<X509Svid> seen = new AtomicReference<>();
    AtomicReference<TrustBundle> bundle = new AtomicReference<>();
    NodeExtension asker =
        new NodeExtension() {
          @Override
          public String name() {
            return "asker";
          }

          @Override
          public void started(NodeContext node) {
            SpiffeId id = SpiffeId.forAgent("test.local", "a");
            seen.set(node.identities().svid(id));
            bundle.set(node.identities().bundle(new TrustDomain(id.trustDomain())).orElseThrow());
          }
        };
    try (MeshNode node = MeshNode.builder(settings).agent(Agent.of("a")).extension(asker).start()) {
      assertThat(seen.get()).isNotNull();
      assertThat(seen.get().id()).isEqualTo(SpiffeId.forAgent("test.local", "a"));
      X509Certificate root = bundle.get().authorities().get(0);
      assertThatCode(() -> seen.get().leaf().verify(root.getPublicKey()))
          .doesNotThrowAnyException();
    }
  }
}
