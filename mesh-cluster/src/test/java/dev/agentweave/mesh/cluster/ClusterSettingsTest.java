package dev.agentweave.mesh.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigReference;
import dev.agentweave.mesh.config.MeshSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster section, contributed by this module and validated with the node's keys. */
class ClusterSettingsTest {
  private static final String MINIMAL =
      """
      agent:
        name: search
        trust_domain: example.org
      """;

  private static MeshSettings parse(String yaml) {
    return MeshSettings.parse("config.yaml", yaml, Map.of());
  }

  private static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
    try {
      MeshSettings.parse("config.yaml", yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private static List<ConfigProblem> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  @Test
  void defaults_nodeNameFromTheAgent_andEnvironmentOverrides() {
    ClusterSettings c = parse(MINIMAL).section(ClusterSettings.class);
    assertThat(c.enabled()).isFalse();
    assertThat(c.nodeName()).isEqualTo("search");
    assertThat(c.port()).isEqualTo(25520);
    assertThat(c.sharding().numberOfShards()).isEqualTo(100);
    ClusterSettings fromEnv =
        MeshSettings.parse(
                "config.yaml",
                MINIMAL,
                Map.of("AGENTWEAVE_CLUSTER_ENABLED", "true", "AGENTWEAVE_CLUSTER_PORT", "0"))
            .section(ClusterSettings.class);
    assertThat(fromEnv.enabled()).isTrue();
    assertThat(fromEnv.port()).isZero();
    assertThat(problems(MINIMAL, Map.of("AGENTWEAVE_CLUSTER_PORT", "70000")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("cluster.port");
              assertThat(p.source()).isEqualTo("AGENTWEAVE_CLUSTER_PORT");
              assertThat(p.expected()).contains("0..65535");
            });
  }

  @Test
  void problemsOfTheSectionAndOfTheNodeAreReportedTogether() {
    assertThat(problems("agent: {name: search}\ncluster: {port: -1, sharding: {role: \"a b\"}}\n"))
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder("agent.trust_domain", "cluster.port", "cluster.sharding.role");
    assertThat(problems(MINIMAL + "cluster: {seed_node: []}\n"))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("did you mean 'seed_nodes'?");
  }

  @Test
  void theReferenceListsTheSectionsKeys_inTheirPlace() {
    List<String> paths = ConfigReference.keys().stream().map(ConfigReference.Key::path).toList();
    assertThat(paths).contains("cluster.enabled", "cluster.bootstrap.contact_points");
    assertThat(paths.indexOf("cluster.enabled"))
        .isGreaterThan(paths.indexOf("server.port"))
        .isLessThan(paths.indexOf("observability.metrics.enabled"));
  }

  @Test
  void withSection_replacesTheRecord() {
    MeshSettings s = parse(MINIMAL);
    ClusterSettings c = s.section(ClusterSettings.class);
    ClusterSettings other =
        new ClusterSettings(
            true,
            "other",
            c.host(),
            c.port(),
            c.seedNodes(),
            c.roles(),
            c.splitBrainResolver(),
            c.sharding(),
            c.management(),
            c.bootstrap());
    MeshSettings changed = s.withSection(other);
    assertThat(changed.section(ClusterSettings.class)).isEqualTo(other);
    assertThat(changed.sections()).hasSize(s.sections().size());
    assertThat(s.section(ClusterSettings.class).nodeName()).isEqualTo("search");
  }

  @Test
  void cluster_splitBrainResolverIsOnByDefault_andStaticQuorumNeedsASize() {
    MeshSettings s = parse(MINIMAL + "cluster: {enabled: true, roles: [gateway]}\n");
    assertThat(s.section(ClusterSettings.class).roles()).containsExactly("gateway");
    assertThat(s.section(ClusterSettings.class).splitBrainResolver().enabled()).isTrue();
    assertThat(s.section(ClusterSettings.class).splitBrainResolver().strategy())
        .isEqualTo("keep-majority");
    assertThatThrownBy(
            () -> parse(MINIMAL + "cluster:\n  split_brain_resolver: {strategy: static-quorum}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.split_brain_resolver.static_quorum_size")
        .hasMessageContaining("static-quorum");
  }

  @Test
  void bootstrap_defaultsAndCrossFieldRules() {
    MeshSettings s = parse(MINIMAL + "cluster:\n  enabled: true\n  bootstrap: {enabled: true}\n");
    assertThat(s.section(ClusterSettings.class).bootstrap().discovery())
        .isEqualTo("kubernetes-api");
    assertThat(s.section(ClusterSettings.class).bootstrap().serviceName())
        .isEqualTo(s.agent().name());
    assertThat(s.section(ClusterSettings.class).bootstrap().requiredContactPoints()).isEqualTo(2);
    assertThat(s.section(ClusterSettings.class).management().enabled())
        .as("management runs with bootstrap")
        .isTrue();
    assertThat(s.section(ClusterSettings.class).management().port()).isEqualTo(7626);
    assertThat(s.section(ClusterSettings.class).sharding().resendAfter())
        .isEqualTo(Duration.ofSeconds(1));

    assertThat(
            problems(
                MINIMAL
                    + "cluster:\n  enabled: true\n  seed_nodes: [\"10.0.0.1:25520\"]\n"
                    + "  bootstrap: {enabled: true}\n"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("cluster.seed_nodes");
              assertThat(p.expected()).contains("cluster.bootstrap.enabled");
            });
    assertThat(
            problems(
                MINIMAL
                    + "cluster:\n  enabled: true\n  bootstrap: {enabled: true, discovery: config}\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("cluster.bootstrap.contact_points");
    assertThat(problems(MINIMAL + "cluster:\n  bootstrap: {enabled: true}\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("cluster.enabled");
    assertThat(problems(MINIMAL + "cluster:\n  bootstrap: {discovery: dns}\n"))
        .singleElement()
        .extracting(ConfigProblem::path)
        .isEqualTo("cluster.bootstrap.discovery");
  }
}
