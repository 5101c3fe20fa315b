package dev.agentweave.mesh.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key the node understands, from the same definition the loader validates
 * against, so documentation and tools never drift from what a node accepts. {@code agentweave
 * config reference} prints it as a table.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /**
   * One key.
   *
   * @param path the dotted path, list items as {@code key[].child}, for example {@code server.port}
   *     or {@code agent.capabilities[].name}
   * @param required whether the key must be present (then there is no default)
   * @param defaultValue the default as it appears in YAML ({@code 8443}, {@code ""}, {@code []});
   *     empty when required or declared in code
   * @param expected what a valid value looks like, as errors state it
   * @param environmentVariable the variable that overrides it, empty for keys inside lists
   * @param description what the key does
   * @param pendingUntil when set, the key is validated but used only by a later part of the
   *     framework, which this names; setting it produces a warning
   */
  public record Key(
      String path,
      boolean required,
      Optional<String> defaultValue,
      String expected,
      Optional<String> environmentVariable,
      String description,
      Optional<String> pendingUntil) {}

  /**
   * Every key, in document order.
   *
   * @return the keys
   */
  public static List<Key> keys() {
    Map<String, String> variables = ConfigSchema.environmentNames();
    Map<String, String> byPath = new java.util.HashMap<>();
    variables.forEach((variable, path) -> byPath.put(path, variable));
    List<Key> out = new ArrayList<>();
    for (Map.Entry<String, ConfigSpec.Leaf> e : ConfigSchema.leaves().entrySet()) {
      ConfigSpec.Leaf leaf = e.getValue();
      out.add(
          new Key(
              e.getKey(),
              leaf.required(),
              leaf.required() ? Optional.empty() : Optional.ofNullable(render(leaf.defaultValue())),
              leaf.expected(),
              Optional.ofNullable(byPath.get(e.getKey())),
              leaf.doc(),
              Optional.ofNullable(leaf.pending())));
    }
    return List.copyOf(out);
  }

  private static String render(Object v) {
    if (v == null) {
      return null;
    }
    if ("".equals(v)) {
      return "\"\"";
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? "[]" : l.toString();
    }
    return String.valueOf(v);
  }
}
