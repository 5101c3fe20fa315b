package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.spi.AuthzDecision;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opa-wasm engine with the one real compiled OPA policy available on our build machines: the
 * module shipped inside opa-java-wasm ({@code /demo-policy.wasm}, entrypoint {@code
 * opa/wasm/test/allowed}, allowed when {@code data.role[input.user] == "admin"}). There is no Rego
 * compiler here to build the compatibility kit's scenarios, so this test covers what that policy
 * can express: deny by default, an allow from data, reload with a version bump, and the load-time
 * errors.
 */
class OpaWasmPolicyEngineTest {
  static final String ENTRYPOINT = "opa/wasm/test/allowed";

  @TempDir Path dir;
  Path module;

  @BeforeEach
  void extractModule() throws Exception {
    module = dir.resolve("policy.wasm");
    try (InputStream in = OpaWasmPolicyEngine.class.getResourceAsStream("/demo-policy.wasm")) {
      assertThat(in).as("opa-java-wasm ships /demo-policy.wasm").isNotNull();
      Files.write(module, in.readAllBytes());
    }
  }

  private Path data(String json) throws Exception {
    Path f = dir.resolve("data.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void deniesByDefault_andAllowsWhatTheDataGrants() throws Exception {
    Path data = data("{\"role\": {\"spiffe://test.local/agent/orchestrator\": \"admin\"}}");
    try (OpaWasmPolicyEngine e =
        new OpaWasmPolicyEngine(module, ENTRYPOINT, data, Duration.ofSeconds(5))) {
      AuthzDecision allow =
          PolicyEngineCompatibilityKit.decide(
              e,
              PolicyEngineCompatibilityKit.ORCHESTRATOR,
              PolicyEngineCompatibilityKit.SEARCH,
              "search");
      assertThat(allow.allowed()).isTrue();
      assertThat(allow.reason()).isEqualTo("allowed by " + ENTRYPOINT);
      assertThat(allow.policyVersion()).startsWith("opa-wasm:");
      assertThat(
              PolicyEngineCompatibilityKit.decide(
                      e,
                      PolicyEngineCompatibilityKit.SEARCH,
                      PolicyEngineCompatibilityKit.ORCHESTRATOR,
                      "search")
                  .allowed())
          .isFalse();
    }
    try (OpaWasmPolicyEngine empty =
        new OpaWasmPolicyEngine(module, ENTRYPOINT, null, Duration.ofSeconds(5))) {
      assertThat(
              PolicyEngineCompatibilityKit.decide(
                      empty,
                      PolicyEngineCompatibilityKit.ORCHESTRATOR,
                      PolicyEngineCompatibilityKit.SEARCH,
                      "search")
                  .allowed())
          .isFalse();
    }
  }

  @Test
  void dataChange_reloads_bumpsTheVersion_andTellsListeners() throws Exception {
    Path data = data("{\"role\": {}}");
    try (OpaWasmPolicyEngine e =
        new OpaWasmPolicyEngine(module, ENTRYPOINT, data, Duration.ofMillis(100))) {
      String v1 = e.policyVersion();
      AtomicInteger changes = new AtomicInteger();
      e.onPolicyChange(changes::incrementAndGet);
      Files.writeString(
          data, "{\"role\": {\"spiffe://test.local/agent/orchestrator\": \"admin\"}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
      assertThat(e.policyVersion()).isNotEqualTo(v1);
      assertThat(
              PolicyEngineCompatibilityKit.decide(
                      e,
                      PolicyEngineCompatibilityKit.ORCHESTRATOR,
                      PolicyEngineCompatibilityKit.SEARCH,
                      "x")
                  .allowed())
          .isTrue();
    }
  }

  @Test
  void loadErrors_nameTheFileAndWhatIsWrong() throws Exception {
    assertThatThrownBy(
            () ->
                new OpaWasmPolicyEngine(
                    module, "agentweave/authz/allow", null, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'agentweave/authz/allow' is not in")
        .hasMessageContaining(ENTRYPOINT);
    Path junk = dir.resolve("junk.wasm");
    Files.writeString(junk, "not wasm");
    assertThatThrownBy(() -> new OpaWasmPolicyEngine(junk, ENTRYPOINT, null, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an OPA wasm module");
    Path badData = data("{not json");
    assertThatThrownBy(
            () -> new OpaWasmPolicyEngine(module, ENTRYPOINT, badData, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read");
  }
}
