package dev.agentweave.mesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SettingsTreeTest {
  @Test
  void mappingsMergeKeyByKey_andListsAndScalarsAreReplaced() {
    ObjectNode root = SettingsTree.empty();
    SettingsTree.at(root, "server").put("enabled", false).put("port", 1);
    SettingsTree.at(root, "server").putArray("agents").add("a").add("b");

    SettingsTree.merge(root, "server: {port: 2, agents: [c]}\nagent: {name: x}", "test");

    assertThat(root.at("/server/enabled").asBoolean(true)).isFalse();
    assertThat(root.at("/server/port").asInt()).isEqualTo(2);
    assertThat(root.at("/server/agents")).hasSize(1);
    assertThat(root.at("/server/agents/0").asText()).isEqualTo("c");
    assertThat(root.at("/agent/name").asText()).isEqualTo("x");
  }

  @Test
  void blankYamlChangesNothing() {
    ObjectNode root = SettingsTree.empty();
    root.put("k", 1);
    SettingsTree.merge(root, "  \n", "test");
    SettingsTree.merge(root, "# only a comment\n", "test");
    assertThat(root.size()).isEqualTo(1);
  }

  @Test
  void yamlThatIsNoMapping_isANamedError() {
    ObjectNode root = SettingsTree.empty();
    assertThatThrownBy(() -> SettingsTree.merge(root, "- a\n- b\n", "the yaml of node x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the yaml of node x")
        .hasMessageContaining("expected a mapping");
    assertThatThrownBy(() -> SettingsTree.merge(root, "a: [unclosed", "the mesh's yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the mesh's yaml is not valid YAML");
  }

  @Test
  void theTreeIsWrittenAsYamlThatReadsBack() {
    ObjectNode root = SettingsTree.empty();
    SettingsTree.at(root, "a", "b").put("c", "spiffe://x/agent/*");
    ObjectNode back = SettingsTree.empty();
    SettingsTree.merge(back, SettingsTree.yaml(root), "round trip");
    assertThat(back).isEqualTo(root);
  }
}
