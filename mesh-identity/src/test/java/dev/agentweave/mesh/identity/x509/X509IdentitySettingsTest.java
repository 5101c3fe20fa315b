package dev.agentweave.mesh.identity.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigReference;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The keys this module adds to the shared {@code identity} section, validated with the node's keys.
 */
class X509IdentitySettingsTest {
  private static final String MINIMAL =
      """
      agent:
        name: search
        trust_domain: example.org
      """;

  private static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
    try {
      MeshSettings.parse("config.yaml", yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void defaults_andTheEnvironment() {
    MeshSettings s = MeshSettings.parse("config.yaml", MINIMAL, Map.of());
    X509IdentitySettings id = s.section(X509IdentitySettings.class);
    assertThat(s.identity().provider()).isEqualTo("spiffe");
    assertThat(id.spiffeEndpoint()).isEqualTo("unix:///run/spire/sockets/agent.sock");
    assertThat(id.devCa().directory()).isEqualTo(".agentweave/dev-ca");
    assertThat(id.devCa().svidTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(id.devCa().serverNames()).containsExactly("localhost", "127.0.0.1");
    assertThat(id.files().pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(id.allowedTrustDomains()).isEmpty();
    X509IdentitySettings fromEnv =
        MeshSettings.parse(
                "config.yaml",
                MINIMAL,
                Map.of(
                    "AGENTWEAVE_IDENTITY_ALLOWED_TRUST_DOMAINS", "a.org, b.org",
                    "AGENTWEAVE_IDENTITY_DEV_CA_SVID_TTL_SECONDS", "60"))
            .section(X509IdentitySettings.class);
    assertThat(fromEnv.allowedTrustDomains()).containsExactly("a.org", "b.org");
    assertThat(fromEnv.devCa().svidTtl()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void filesAndBundles_areReadAsItems() {
    X509IdentitySettings id =
        MeshSettings.parse(
                "config.yaml",
                MINIMAL
                    + """
                    identity:
                      provider: files
                      bundles: [{trust_domain: partner.org, file: partner.pem}]
                      files:
                        svids: [{cert_chain: a.pem, private_key: a.key}]
                        bundle: own.pem
                    """,
                Map.of())
            .section(X509IdentitySettings.class);
    assertThat(id.bundles())
        .containsExactly(new X509IdentitySettings.BundleFile("partner.org", "partner.pem"));
    assertThat(id.files().svids())
        .containsExactly(new X509IdentitySettings.SvidFile("a.pem", "a.key"));
    assertThat(id.files().bundle()).isEqualTo("own.pem");
  }

  @Test
  void badValues_nameTheKeyAndTheExpectation() {
    assertThat(
            problems(
                MINIMAL
                    + "identity:\n  spiffe_endpoint: /tmp/sock\n  dev_ca: {renew_fraction: 1.5}\n"
                    + "  bundles: [{trust_domain: Partner.ORG}]\n",
                Map.of()))
        .extracting(ConfigProblem::path, ConfigProblem::expected)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "identity.spiffe_endpoint", "a unix:// or tcp:// address"),
            org.assertj.core.groups.Tuple.tuple(
                "identity.dev_ca.renew_fraction", "a number in (0, 1)"),
            org.assertj.core.groups.Tuple.tuple(
                "identity.bundles[0].trust_domain", "a trust domain such as partner.org"),
            org.assertj.core.groups.Tuple.tuple(
                "identity.bundles[0].file", "a path to a PEM file"));
    assertThat(problems(MINIMAL + "identity:\n  dev_ca: {svid_ttl_second: 60}\n", Map.of()))
        .singleElement()
        .extracting(ConfigProblem::expected)
        .asString()
        .contains("did you mean 'svid_ttl_seconds'?");
  }

  @Test
  void theReferenceListsTheKeys_afterTheNodesProvider() {
    List<String> paths = ConfigReference.keys().stream().map(ConfigReference.Key::path).toList();
    assertThat(paths)
        .containsSubsequence(
            "identity.provider",
            "identity.spiffe_endpoint",
            "identity.allowed_trust_domains",
            "identity.dev_ca.directory",
            "identity.files.poll_seconds",
            "authorization.provider");
  }
}
