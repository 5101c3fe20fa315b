package dev.agentweave.mesh.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class A2aSettingsTest {
  static final String BASE = "agent: {name: a, trust_domain: t.local, environment: development}\n";

  @Test
  void defaults() {
    A2aSettings s = MeshSettings.parse("t", BASE, Map.of()).section(A2aSettings.class);
    assertThat(s.enabled()).isTrue();
    assertThat(s.maxTasks()).isEqualTo(10_000);
    assertThat(s.maxTaskBytes()).isEqualTo(64L << 20);
    assertThat(s.taskRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(s.signing().enabled()).isFalse();
  }

  @Test
  void values_andTheirEnvironmentVariables() {
    A2aSettings s =
        MeshSettings.parse(
                "t",
                BASE + "a2a: {max_tasks: 5, signing: {enabled: true, key_file: k.pem, kid: k1}}\n",
                Map.of("AGENTWEAVE_A2A_TASK_RETENTION_SECONDS", "60"))
            .section(A2aSettings.class);
    assertThat(s.maxTasks()).isEqualTo(5);
    assertThat(s.taskRetention()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.signing()).isEqualTo(new A2aSettings.Signing(true, "k.pem", "k1"));
  }

  @Test
  void mistakes_areNamedWithWhatWasExpected() {
    assertThatThrownBy(
            () ->
                MeshSettings.parse(
                    "t", BASE + "a2a: {signing: {enabled: true, key_file: k.pem}}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("a2a.signing.kid")
        .hasMessageContaining("required with a key file");
    assertThatThrownBy(() -> MeshSettings.parse("t", BASE + "a2a: {max_tasks: 0}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("a2a.max_tasks");
    assertThatThrownBy(() -> MeshSettings.parse("t", BASE + "a2a: {max_taks: 5}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_taks");
  }
}
