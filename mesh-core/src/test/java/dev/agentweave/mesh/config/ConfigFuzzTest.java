package dev.agentweave.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the configuration loader (Jazzer): any document is either valid
 * settings or a {@link ConfigException} listing problems with a path and an expectation; no other
 * exception escapes, however deep, aliased or malformed the YAML. Seeds: {@code
 * ConfigFuzzTestInputs/parse}.
 */
class ConfigFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    try {
      MeshSettings s = MeshSettings.parse("fuzz.yaml", yaml, Map.of());
      assertThat(s.agent().name()).isNotEmpty();
    } catch (ConfigException refused) {
      assertThat(refused.problems()).isNotEmpty();
      for (ConfigProblem p : refused.problems()) {
        assertThat(p.path()).isNotNull();
        assertThat(p.expected()).isNotNull();
      }
      assertThat(refused.getMessage()).contains("fuzz.yaml");
    }
  }
}
