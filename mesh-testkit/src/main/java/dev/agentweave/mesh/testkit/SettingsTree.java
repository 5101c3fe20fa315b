package dev.agentweave.mesh.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * The YAML the test kit writes for a node: a tree the kit fills, with the test's own YAML merged
 * over it (mappings merge key by key, everything else is replaced).
 */
final class SettingsTree {
  private static final YAMLMapper YAML = new YAMLMapper();

  private SettingsTree() {}

  static ObjectNode empty() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Merges YAML text over a tree.
   *
   * @param into the tree, changed in place
   * @param yaml a YAML mapping (blank: nothing)
   * @param what names the YAML in an error
   * @throws IllegalArgumentException if the text is not a YAML mapping
   */
  static void merge(ObjectNode into, String yaml, String what) {
    if (yaml == null || yaml.isBlank()) {
      return;
    }
    JsonNode over;
    try {
      over = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          what + " is not valid YAML: " + e.getOriginalMessage() + " (expected a YAML mapping)", e);
    }
    if (over == null || over.isMissingNode() || over.isNull()) {
      return;
    }
    if (!over.isObject()) {
      throw new IllegalArgumentException(
          what + " is a YAML " + over.getNodeType().name().toLowerCase() + "; expected a mapping");
    }
    merge(into, (ObjectNode) over);
  }

  private static void merge(ObjectNode into, ObjectNode over) {
    Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode mine = into.get(f.getKey());
      if (mine instanceof ObjectNode m && f.getValue() instanceof ObjectNode o) {
        merge(m, o);
      } else {
        into.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  /** The mapping at a path of keys, created where missing. */
  static ObjectNode at(ObjectNode root, String... keys) {
    ObjectNode n = root;
    for (String k : keys) {
      JsonNode child = n.get(k);
      if (!(child instanceof ObjectNode)) {
        child = n.putObject(k);
      }
      n = (ObjectNode) child;
    }
    return n;
  }

  static String yaml(ObjectNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a settings tree as YAML", e);
    }
  }
}
