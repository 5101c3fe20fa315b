package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.authz.CedarPolicyEngine;
import dev.agentweave.mesh.cluster.ClusterSettings;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.config.GatewaySettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests of {@code docs/deploy/kubernetes}: every object validates against the
 * Kubernetes API schemas (kubernetes-models, installed by CI), the node configuration in the
 * ConfigMap loads as a production configuration with the environment the Deployment gives it, its
 * Cedar policy parses and decides as documented, and the objects fit together (ports, probes,
 * selectors, service account, SPIRE registrations, the autoscaler's metric). No Kubernetes API
 * server runs here; this is what can be checked without one.
 */
class DeployManifestsTest {
  static final Path DEPLOY = Path.of("..", "docs", "deploy");
  static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Map<String, JsonNode> OBJECTS = new HashMap<>();

  @BeforeAll
  static void load() throws Exception {
    for (Path file : manifests()) {
      try (var parser = YAML.getFactory().createParser(file.toFile())) {
        var docs = YAML.readValues(parser, JsonNode.class);
        while (docs.hasNext()) {
          JsonNode o = docs.next();
          if (o != null && !o.isEmpty()) {
            OBJECTS.put(
                o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), o);
          }
        }
      }
    }
  }

  static List<Path> manifests() throws Exception {
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static JsonNode object(String kindAndName) {
    assertThat(OBJECTS).as("manifests hold %s", kindAndName).containsKey(kindAndName);
    return OBJECTS.get(kindAndName);
  }

  static JsonNode container() {
    return object("Deployment/search").at("/spec/template/spec/containers/0");
  }

  static int port(String name) {
    for (JsonNode p : container().path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("the container has no port named " + name);
  }

  static Map<String, String> podLabels() {
    Map<String, String> labels = new HashMap<>();
    object("Deployment/search")
        .at("/spec/template/metadata/labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  static Map<String, String> asMap(JsonNode n) {
    Map<String, String> m = new HashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  /** The node configuration as a pod of the Deployment loads it. */
  static MeshSettings podSettings() {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container().path("env")) {
      String from = e.at("/valueFrom/fieldRef/fieldPath").asText();
      env.put(
          e.path("name").asText(),
          switch (from) {
            case "status.podIP" -> "10.42.0.17";
            case "metadata.name" -> "search-6f7d9c-x2x4z";
            default -> e.path("value").asText();
          });
    }
    return MeshSettings.parse(
        "configmap.yaml", object("ConfigMap/search-config").at("/data/node.yaml").asText(), env);
  }

  @Test
  void everyObjectValidatesAgainstTheKubernetesSchemas() throws Exception {
    Path validator = Path.of("..", "tools", "k8s-validate");
    boolean installed =
        Files.isDirectory(validator.resolve("node_modules").resolve("kubernetes-models"));
    if (System.getenv("CI") == null) {
      assumeTrue(installed, "kubernetes-models not installed (CI installs it; see .ci/run)");
    }
    assertThat(installed).as("tools/k8s-validate/node_modules (CI installs it)").isTrue();
    List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
    for (Path p : manifests()) {
      command.add(p.toAbsolutePath().normalize().toString());
    }
    Process p =
        new ProcessBuilder(command).directory(validator.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("validate.mjs output:%n%s", out).isZero();
    assertThat(out).contains("Deployment search: valid", "HorizontalPodAutoscaler search: valid");
  }

  @Test
  void theConfigMapsNodeConfigurationLoadsAsProduction_withThePodsEnvironment() {
    MeshSettings s = podSettings();
    assertThat(s.isProduction()).isTrue();
    assertThat(s.identity().provider()).isEqualTo("spiffe");
    assertThat(s.section(ClusterSettings.class).enabled()).isTrue();
    assertThat(s.section(ClusterSettings.class).host()).isEqualTo("10.42.0.17");
    assertThat(s.section(ClusterSettings.class).nodeName()).isEqualTo("search-6f7d9c-x2x4z");
    assertThat(s.section(ClusterSettings.class).seedNodes()).isEmpty();
    assertThat(s.section(ClusterSettings.class).bootstrap().enabled()).isTrue();
    assertThat(s.section(ClusterSettings.class).bootstrap().discovery())
        .isEqualTo("kubernetes-api");
    assertThat(s.section(ClusterSettings.class).management().enabled()).isTrue();

    // Ports of the configuration are the container's named ports.
    assertThat(s.section(GatewaySettings.class).port()).isEqualTo(port("gateway"));
    assertThat(s.section(ClusterSettings.class).port()).isEqualTo(port("remoting"));
    assertThat(s.section(ClusterSettings.class).management().port()).isEqualTo(port("management"));

    // Bootstrap lists the pods the Deployment labels.
    String selector =
        s.section(ClusterSettings.class)
            .bootstrap()
            .labelSelector()
            .replace("%s", s.section(ClusterSettings.class).bootstrap().serviceName());
    String[] kv = selector.split("=", 2);
    assertThat(podLabels()).containsEntry(kv[0], kv[1]);

    // The Workload API socket is in the directory the SPIFFE CSI driver is mounted at.
    String socket =
        s.section(X509IdentitySettings.class).spiffeEndpoint().replaceFirst("^unix://", "");
    String csiMount = mountPathOf(volumeWith("csi"));
    assertThat(Path.of(socket).getParent()).isEqualTo(Path.of(csiMount));
    assertThat(volumeWith("csi").at("/csi/driver").asText()).isEqualTo("csi.spiffe.io");

    // The Deployment gives draining time: the grace period outlasts the node's graceful shutdown.
    long grace =
        object("Deployment/search")
            .at("/spec/template/spec/terminationGracePeriodSeconds")
            .asLong();
    assertThat(Duration.ofSeconds(grace)).isGreaterThan(s.server().gracefulShutdown());
  }

  static JsonNode volumeWith(String type) {
    for (JsonNode v : object("Deployment/search").at("/spec/template/spec/volumes")) {
      if (v.has(type)) {
        return v;
      }
    }
    throw new AssertionError("no volume of type " + type);
  }

  static String mountPathOf(JsonNode volume) {
    for (JsonNode m : container().path("volumeMounts")) {
      if (m.path("name").asText().equals(volume.path("name").asText())) {
        return m.path("mountPath").asText();
      }
    }
    throw new AssertionError("volume " + volume.path("name").asText() + " is not mounted");
  }

  @Test
  void probesUseTheManagementHealthChecks() {
    assertThat(container().at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(container().at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
    assertThat(container().at("/livenessProbe/httpGet/path").asText()).isEqualTo("/alive");
    assertThat(container().at("/livenessProbe/httpGet/port").asText()).isEqualTo("management");
    assertThat(container().at("/startupProbe/httpGet/port").asText()).isEqualTo("management");
  }

  @Test
  void theConfigMapIsMountedWhereTheImageReadsTheConfiguration() throws Exception {
    String mount = mountPathOf(volumeWith("configMap"));
    assertThat(volumeWith("configMap").at("/configMap/name").asText()).isEqualTo("search-config");
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(dockerfile).contains("\"" + mount + "/node.yaml\"");
    assertThat(Path.of(podSettings().authorization().cedar().policyFile()))
        .isEqualTo(Path.of(mount, "policy.cedar"));
    // The image holds what the build makes: the runnable jar and its lib directory.
    assertThat(dockerfile)
        .contains("mesh-cli/target/agentweave.jar")
        .contains("mesh-cli/target/lib");
  }

  @Test
  void thePolicyParses_andAdmitsWhatTheDeploymentNeeds(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.cedar");
    Files.writeString(policy, object("ConfigMap/search-config").at("/data/policy.cedar").asText());
    SpiffeId search = SpiffeId.parse("spiffe://example.org/agent/search");
    try (CedarPolicyEngine engine = new CedarPolicyEngine(policy, null, Duration.ofHours(1))) {
      assertThat(decide(engine, "spiffe://example.org/monitoring/prometheus", search, "metrics"))
          .isTrue();
      assertThat(decide(engine, "spiffe://example.org/agent/orchestrator", search, "search"))
          .isTrue();
      assertThat(decide(engine, "spiffe://other.org/agent/orchestrator", search, "search"))
          .isFalse();
      assertThat(decide(engine, "spiffe://example.org/agent/orchestrator", search, "metrics"))
          .isFalse();
    }
  }

  static boolean decide(CedarPolicyEngine engine, String caller, SpiffeId callee, String action)
      throws Exception {
    return engine
        .evaluate(SpiffeId.parse(caller), callee, action)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .allowed();
  }

  @Test
  void serviceDisruptionBudgetAndRbacFitTheDeployment() {
    Map<String, String> labels = podLabels();
    assertThat(labels).containsAllEntriesOf(asMap(object("Service/search").at("/spec/selector")));
    assertThat(object("Service/search").at("/spec/ports/0/targetPort").asText())
        .isEqualTo("gateway");
    assertThat(labels)
        .containsAllEntriesOf(
            asMap(object("PodDisruptionBudget/search").at("/spec/selector/matchLabels")));
    assertThat(labels)
        .containsAllEntriesOf(asMap(object("Deployment/search").at("/spec/selector/matchLabels")));

    String account =
        object("Deployment/search").at("/spec/template/spec/serviceAccountName").asText();
    assertThat(object("ServiceAccount/" + account)).isNotNull();
    JsonNode binding = object("RoleBinding/search-reads-pods");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(account);
    JsonNode rule = object("Role/" + binding.at("/roleRef/name").asText()).at("/rules/0");
    assertThat(rule.path("resources").toString()).contains("\"pods\"");
    assertThat(rule.path("verbs").toString()).contains("\"get\"", "\"watch\"", "\"list\"");
  }

  @Test
  void spireRegistersEveryIdentityANodeNeeds() {
    MeshSettings s = podSettings();
    List<String> templates = new ArrayList<>();
    for (JsonNode o : OBJECTS.values()) {
      if (o.path("kind").asText().equals("ClusterSPIFFEID")) {
        assertThat(podLabels()).containsAllEntriesOf(asMap(o.at("/spec/podSelector/matchLabels")));
        templates.add(
            o.at("/spec/spiffeIDTemplate")
                .asText()
                .replace("{{ .TrustDomain }}", s.agent().trustDomain()));
      }
    }
    List<String> expected = new ArrayList<>();
    expected.add("spiffe://example.org/agent/" + s.agent().name());
    s.server().agents().forEach(a -> expected.add("spiffe://example.org/agent/" + a));
    expected.add("spiffe://example.org/node/{{ .PodMeta.Name }}");
    assertThat(templates)
        .containsExactlyInAnyOrderElementsOf(expected.stream().distinct().toList());
    // Prometheus verifies the gateway by the DNS name the default agent's SVID carries.
    assertThat(
            object("ClusterSPIFFEID/agentweave-search-agent")
                .at("/spec/dnsNameTemplates/0")
                .asText())
        .isEqualTo(prometheusJob().at("/tls_config/server_name").asText());
  }

  static JsonNode prometheusJob() {
    try {
      return YAML.readTree(KUBERNETES.resolve("monitoring").resolve("prometheus.yml").toFile())
          .at("/scrape_configs/0");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theAutoscalerScalesOnCpuAndOnTheAdaptersRequestRate(@TempDir Path dir) throws Exception {
    JsonNode hpa = object("HorizontalPodAutoscaler/search");
    assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
    assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("search");
    List<String> metrics = new ArrayList<>();
    hpa.at("/spec/metrics")
        .forEach(
            m ->
                metrics.add(
                    m.path("type").asText().equals("Resource")
                        ? m.at("/resource/name").asText()
                        : m.at("/pods/metric/name").asText()));
    assertThat(metrics).containsExactlyInAnyOrder("cpu", "requests_per_second");
    assertThat(object("Deployment/search").toString()).contains("\"requests\"");

    JsonNode rule =
        YAML.readTree(
                object("ConfigMap/adapter-prometheus-adapter").at("/data/config.yaml").asText())
            .at("/rules/0");
    assertThat(rule.at("/name/as").asText()).isEqualTo("requests_per_second");
    assertThat(rule.path("seriesQuery").asText()).startsWith("requests_total{");
    // requests_total is a counter every node exports (docs/metrics.md lists it).
    assertThat(Files.readString(Path.of("..", "docs", "metrics.md")))
        .contains("`requests_total` | counter |");

    // The adapter's query, with its template filled in, is valid PromQL (promtool).
    String query =
        rule.path("metricsQuery")
            .asText()
            .replace("<<.Series>>", "requests_total")
            .replace("<<.LabelMatchers>>", "namespace=\"agents\",pod=~\"search-.*\"")
            .replace("<<.GroupBy>>", "pod");
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules,
        "groups:\n  - name: adapter\n    rules:\n      - record: pod:requests_per_second\n"
            + "        expr: '"
            + query.replace("'", "''")
            + "'\n");
    String promtool = promtool();
    if (System.getenv("CI") == null) {
      assumeTrue(promtool != null, "promtool not installed (CI installs it)");
    }
    assertThat(promtool).as("promtool on PATH").isNotNull();
    Process p =
        new ProcessBuilder(promtool, "check", "rules", rules.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check rules:%n%s", out).isZero();

    // Prometheus scrapes the gateway port over TLS with the labels the adapter maps.
    JsonNode job = prometheusJob();
    assertThat(job.path("scheme").asText()).isEqualTo("https");
    assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
    assertThat(job.path("relabel_configs").toString())
        .contains("\"gateway\"", "\"target_label\":\"pod\"", "\"target_label\":\"namespace\"");
  }

  static String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
