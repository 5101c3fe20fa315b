package dev.agentweave.mesh.http;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node named "node" in test.local with a dev CA in a directory and its gateway on a free port.
 */
final class TestGateway implements AutoCloseable {
  final MeshNode node;
  final IdentitySource identities;
  final Gateway gateway;

  TestGateway(Path caDir, String devCaExtra) {
    this(caDir, devCaExtra, "");
  }

  TestGateway(Path caDir, String devCaExtra, String extraYaml) {
    MeshSettings settings =
        MeshSettings.parse(
            "test-gateway",
            """
            agent: {name: node, trust_domain: test.local, environment: development}
            identity:
              provider: dev-ca
              dev_ca: {directory: "%s"%s}
            server: {host: 127.0.0.1, port: 0}
            %s
            """
                .formatted(caDir, devCaExtra, extraYaml),
            Map.of());
    identities = IdentitySources.fromSettings(settings);
    node = MeshNode.builder(settings).agent(Agent.of("node")).identities(identities).start();
    gateway = node.component(Gateway.class).orElseThrow();
  }

  @Override
  public void close() {
    node.close();
    identities.close();
  }
}
