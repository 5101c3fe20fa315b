package dev.agentweave.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSectionsTest {
  private record Section(String path, ConfigSpec.Section schema) implements ConfigSection<String> {
    @Override
    public String module() {
      return "com.example:" + path;
    }

    @Override
    public Class<String> type() {
      return String.class;
    }

    @Override
    public String read(ConfigValues values) {
      return path;
    }
  }

  private static final ConfigSpec.Section ONE_KEY =
      ConfigSpec.section().add("enabled", ConfigSpec.bool(false, "On.")).build();

  @Test
  void aNestedSection_goesInsideTheNodesSection_andTopLevelOnesKeepTheDocumentOrder() {
    ConfigSpec.Section merged =
        ConfigSections.merge(
            ConfigSchema.core(),
            List.of(new Section("zeta", ONE_KEY), new Section("identity.extra", ONE_KEY)));
    assertThat(merged.children().keySet())
        .containsSubsequence("agent", "identity", "authorization", "observability", "zeta");
    ConfigSpec.Section identity = (ConfigSpec.Section) merged.children().get("identity");
    assertThat(identity.children()).containsKey("extra").containsKey("provider");
  }

  @Test
  void twoModulesClaimingOneKey_orABadPath_failWithTheModuleNamed() {
    assertThatThrownBy(
            () -> ConfigSections.merge(ConfigSchema.core(), List.of(new Section("agent", ONE_KEY))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("com.example:agent")
        .hasMessageContaining("declared already");
    assertThatThrownBy(
            () ->
                ConfigSections.merge(
                    ConfigSchema.core(), List.of(new Section("agent.name.x", ONE_KEY))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a section");
    assertThatThrownBy(
            () -> ConfigSections.merge(ConfigSchema.core(), List.of(new Section("Bad", ONE_KEY))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dotted lower-case keys");
  }

  @Test
  void theSchemaBuilder_refusesDuplicateAndMalformedKeys() {
    assertThatThrownBy(
            () ->
                ConfigSpec.section()
                    .add("a", ConfigSpec.bool(true, "A."))
                    .add("a", ConfigSpec.bool(true, "A.")))
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> ConfigSpec.section().add("maxSize", ConfigSpec.bool(true, "A.")))
        .hasMessageContaining("lower case");
  }
}
