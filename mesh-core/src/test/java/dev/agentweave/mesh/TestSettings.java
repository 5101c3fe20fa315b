package dev.agentweave.mesh;

import dev.agentweave.mesh.config.MeshSettings;
import java.util.Map;

/** Settings for tests: trust domain test.local, development, an allow list, extra YAML on top. */
final class TestSettings {
  static final String TD = "test.local";

  private TestSettings() {}

  static MeshSettings allowAllAgents(String extra) {
    return MeshSettings.parse(
        "test",
        """
        agent:
          name: client
          trust_domain: test.local
          environment: development
        authorization:
          provider: allow-list
          allow:
            - caller: "spiffe://test.local/agent/*"
              callee: "spiffe://test.local/agent/*"
              actions: ["*"]
        server:
          graceful_shutdown_seconds: 5
        """
            + extra,
        Map.of());
  }

  static MeshSettings yaml(String yaml) {
    return MeshSettings.parse("test", yaml, Map.of());
  }

  static SpiffeId id(String agent) {
    return SpiffeId.forAgent(TD, agent);
  }
}
