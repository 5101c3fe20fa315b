package dev.agentweave.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSectionsTest {
  private record Section(String path, ConfigSpec.Section schema, String module)
      implements ConfigSection<String> {
    Section(String path, ConfigSpec.Section schema) {
      this(path, schema, "com.example:" + path);
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
  void theSharedServerSection_takesTheGatewayModulesKeys_afterTheNodesOwn_andOnlyThem() {
    ConfigSpec.Section port =
        ConfigSpec.section().add("port", ConfigSpec.str("8443", "Port.")).build();
    ConfigSpec.Section merged =
        ConfigSections.merge(
            ConfigSchema.core(), List.of(new Section("server", port, "dev.agentweave:mesh-http")));
    ConfigSpec.Section server = (ConfigSpec.Section) merged.children().get("server");
    assertThat(server.children().keySet())
        .containsExactly(
            "enabled", "graceful_shutdown_seconds", "blocking_pool_size", "agents", "port");
    assertThatThrownBy(
            () -> ConfigSections.merge(ConfigSchema.core(), List.of(new Section("server", port))))
        .hasMessageContaining("com.example:server")
        .hasMessageContaining("declared already");
    assertThatThrownBy(
            () ->
                ConfigSections.merge(
                    ConfigSchema.core(),
                    List.of(new Section("server", ONE_KEY, "dev.agentweave:mesh-http"))))
        .hasMessageContaining("'server.enabled'")
        .hasMessageContaining("declared already");
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
