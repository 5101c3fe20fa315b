package dev.agentweave.mesh.config;

import dev.agentweave.mesh.config.ConfigSpec.Leaf;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one definition of every configuration key: the node's own keys here, each module's section
 * through {@link dev.agentweave.mesh.config.ConfigSection}, merged by {@link ConfigSections}.
 * {@link ConfigReader} validates against the merged schema, the environment-variable names are
 * derived from it, and {@code agentweave config reference} prints the documentation table from it,
 * so defaults live in exactly one place.
 */
final class ConfigSchema {

  private ConfigSchema() {}

  /**
   * The merged schema.
   *
   * @return the root section
   */
  public static Section root() {
    return ConfigSections.ROOT;
  }

  static Section core() {
    return buildRoot();
  }

  private static Section buildRoot() {
    Map<String, Spec> root = new LinkedHashMap<>();
    root.put("agent", AgentSchema.agent());
    root.put("identity", AgentSchema.identity());
    root.put("authorization", AgentSchema.authorization());
    root.put("transport", ServingSchema.transport());
    root.put("server", ServingSchema.server());
    root.put("observability", ServingSchema.observability());
    return new Section(root, null);
  }

  /**
   * Every leaf path outside lists with its environment variable name, for example {@code
   * server.port} and {@code AGENTWEAVE_SERVER_PORT}.
   *
   * @return environment variable name to key path
   */
  public static Map<String, String> environmentNames() {
    Map<String, String> out = new LinkedHashMap<>();
    collectEnv(root(), "", out);
    return out;
  }

  private static void collectEnv(Section section, String prefix, Map<String, String> out) {
    for (Map.Entry<String, Spec> e : section.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Section s) {
        collectEnv(s, path, out);
      } else if (e.getValue() instanceof Leaf) {
        String env = "AGENTWEAVE_" + path.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        String previous = out.put(env, path);
        if (previous != null) {
          throw new IllegalStateException(
              "schema defect: " + previous + " and " + path + " share the variable " + env);
        }
      }
    }
  }

  /**
   * Every leaf with its dotted path (list items as {@code key[].child}), in document order.
   *
   * @return path to leaf
   */
  public static Map<String, Leaf> leaves() {
    Map<String, Leaf> out = new LinkedHashMap<>();
    collectLeaves(root(), "", out);
    return out;
  }

  private static void collectLeaves(Section section, String prefix, Map<String, Leaf> out) {
    for (Map.Entry<String, Spec> e : section.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Section s) {
        collectLeaves(s, path, out);
      } else if (e.getValue() instanceof ObjectList l) {
        collectLeaves(l.item(), path + "[]", out);
      } else {
        out.put(path, (Leaf) e.getValue());
      }
    }
  }
}
