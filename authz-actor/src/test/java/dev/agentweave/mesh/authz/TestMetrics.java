package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** A metrics facade for tests, from a throwaway node's registry. */
final class TestMetrics {
  private TestMetrics() {}

  static Metrics of(PrometheusMeterRegistry registry) {
    MeshNode node =
        MeshNode.builder(
                MeshSettings.parse(
                    "metrics",
                    "agent: {name: m, trust_domain: test.local, environment: development}\n",
                    Map.of()))
            .meterRegistry(registry)
            .agent(Agent.of("m"))
            .start();
    Metrics m = node.metrics();
    node.close();
    return m;
  }
}
