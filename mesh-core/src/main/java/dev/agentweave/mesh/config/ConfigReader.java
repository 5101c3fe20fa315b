package dev.agentweave.mesh.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.Leaf;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a YAML document against {@link ConfigSchema}: applies environment overrides, checks every
 * key, collects every problem (never stopping at the first), fills in defaults and returns the
 * values by dotted path. Not thread-safe; one instance per read.
 */
final class ConfigReader {
  /** Environment variables with the prefix that are not configuration keys. */
  public static final List<String> NON_KEY_VARIABLES =
      List.of("AGENTWEAVE_CONFIG", "AGENTWEAVE_HOME", "AGENTWEAVE_JAVA_OPTS", "AGENTWEAVE_JAR");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * The values read.
   *
   * @param values leaf path to value (String, Long, Double, Boolean or List of String); list keys
   *     map to a List of Maps keyed by the item's relative paths
   * @param warnings keys set in sections that a later part of the framework uses
   */
  public record Result(Map<String, Object> values, List<String> warnings) {}

  private final String source;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, String> envSources = new LinkedHashMap<>();

  /**
   * Creates a reader.
   *
   * @param source a name for the document in messages (a file name or "inline")
   */
  public ConfigReader(String source) {
    this.source = source;
  }

  /**
   * Reads a document.
   *
   * @param yaml the YAML text
   * @param env the environment (variables starting with {@code AGENTWEAVE_} override keys)
   * @return the values
   * @throws ConfigException listing every problem
   */
  public Result read(String yaml, Map<String, String> env) {
    JsonNode doc;
    try {
      doc = yaml.isBlank() ? JsonNodeFactory.instance.objectNode() : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          source,
          List.of(
              new ConfigProblem(
                  "(document)",
                  "malformed YAML" + where + ": " + e.getOriginalMessage(),
                  "a YAML mapping of the keys in docs/configuration.md",
                  null)));
    }
    if (doc == null || doc.isMissingNode() || doc.isNull()) {
      doc = JsonNodeFactory.instance.objectNode();
    }
    if (!doc.isObject()) {
      throw new ConfigException(
          source,
          List.of(
              new ConfigProblem(
                  "(document)", describe(doc), "a YAML mapping at the top level", null)));
    }
    applyEnvironment((ObjectNode) doc, env);
    Map<String, Object> values = new LinkedHashMap<>();
    readSection(ConfigSchema.root(), doc, "", values);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return new Result(values, List.copyOf(warnings));
  }

  /**
   * Adds a problem found by a rule that spans keys (production rules, cross-field checks).
   *
   * @param problem the problem
   */
  public void addProblem(ConfigProblem problem) {
    problems.add(problem);
  }

  /** Throws if {@link #addProblem} was called. */
  public void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
  }

  /**
   * The environment variable that set a path, if any.
   *
   * @param path the key path
   * @return the variable name or {@code null}
   */
  public String envSource(String path) {
    return envSources.get(path);
  }

  private void applyEnvironment(ObjectNode doc, Map<String, String> env) {
    Map<String, String> names = ConfigSchema.environmentNames();
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith("AGENTWEAVE_"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              String path = names.get(e.getKey());
              if (path == null) {
                String section = ConfigSections.missingSectionOfVariable(e.getKey());
                if (section != null) {
                  // In a shared section the variable may as well be a typo of a node's key.
                  String prefix = ConfigSections.variablePrefix(section);
                  String hint =
                      Suggestions.closest(
                          e.getKey(),
                          names.keySet().stream().filter(n -> n.startsWith(prefix)).toList());
                  problems.add(
                      new ConfigProblem(
                          e.getKey(),
                          e.getValue(),
                          notOnClassPath(ConfigSections.moduleOf(section))
                              + (hint == null ? "" : "; or did you mean " + hint + "?"),
                          "the environment"));
                } else if (!NON_KEY_VARIABLES.contains(e.getKey())) {
                  String hint = Suggestions.closest(e.getKey(), names.keySet());
                  problems.add(
                      new ConfigProblem(
                          e.getKey(),
                          e.getValue(),
                          "an AGENTWEAVE_ variable naming a configuration key"
                              + (hint == null ? "" : "; did you mean " + hint + "?"),
                          "the environment"));
                }
                return;
              }
              String[] parts = path.split("\\.");
              ObjectNode node = doc;
              for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = node.get(parts[i]);
                if (!(child instanceof ObjectNode)) {
                  child = node.putObject(parts[i]);
                }
                node = (ObjectNode) child;
              }
              node.put(parts[parts.length - 1], e.getValue());
              envSources.put(path, e.getKey());
            });
  }

  private void readSection(Section section, JsonNode node, String prefix, Map<String, Object> out) {
    if (node != null && !node.isNull() && !node.isObject()) {
      problems.add(
          new ConfigProblem(prefix, describe(node), "a mapping of keys", envSources.get(prefix)));
      node = null;
    }
    if (node != null && node.isObject()) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        String path = prefix.isEmpty() ? name : prefix + "." + name;
        if (section.children().containsKey(name)) {
          continue;
        }
        String module = ConfigSections.missingModule(path);
        if (module != null) {
          problems.add(
              new ConfigProblem(path, describe(node.get(name)), notOnClassPath(module), null));
        } else {
          String hint = Suggestions.closest(name, section.children().keySet());
          problems.add(
              new ConfigProblem(
                  path,
                  describe(node.get(name)),
                  "no such key"
                      + (hint == null
                          ? "; known keys here: " + String.join(", ", section.children().keySet())
                          : "; did you mean '" + hint + "'?"),
                  null));
        }
      }
      if (section.pending() != null && node.size() > 0) {
        warnings.add(
            prefix
                + ": validated, and used once "
                + section.pending()
                + " is available; it has no effect yet");
      }
    }
    for (Map.Entry<String, Spec> e : section.children().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode child = node == null ? null : node.get(e.getKey());
      Spec spec = e.getValue();
      if (spec instanceof Section s) {
        readSection(s, child, path, out);
      } else if (spec instanceof ObjectList l) {
        out.put(path, readList(l, child, path));
      } else {
        Leaf leaf = (Leaf) spec;
        Object v = readLeaf(leaf, child, path);
        out.put(path, v);
      }
    }
  }

  private List<Map<String, Object>> readList(ObjectList list, JsonNode node, String path) {
    List<Map<String, Object>> items = new ArrayList<>();
    if (node == null || node.isNull()) {
      return items;
    }
    if (!node.isArray()) {
      problems.add(new ConfigProblem(path, describe(node), "a list of mappings", null));
      return items;
    }
    for (int i = 0; i < node.size(); i++) {
      Map<String, Object> flat = new LinkedHashMap<>();
      String itemPath = path + "[" + i + "]";
      readSection(list.item(), node.get(i), itemPath, flat);
      Map<String, Object> relative = new LinkedHashMap<>();
      flat.forEach((k, v) -> relative.put(k.substring(itemPath.length() + 1), v));
      items.add(relative);
    }
    return items;
  }

  private Object readLeaf(Leaf leaf, JsonNode node, String path) {
    String env = envSources.get(path);
    if (node == null || node.isNull()) {
      if (leaf.required()) {
        problems.add(new ConfigProblem(path, null, leaf.expected(), null));
      }
      return leaf.defaultValue();
    }
    if (leaf.pending() != null) {
      warnings.add(
          path
              + ": validated, and used once "
              + leaf.pending()
              + " is available; it has no effect yet");
    }
    Object value = convert(leaf.kind(), node, env != null);
    if (value == null) {
      problems.add(new ConfigProblem(path, describe(node), leaf.expected(), env));
      return leaf.defaultValue();
    }
    if (leaf.valid() != null && !leaf.valid().test(value)) {
      problems.add(new ConfigProblem(path, describe(node), leaf.expected(), env));
      return leaf.defaultValue();
    }
    return value;
  }

  private static Object convert(Kind kind, JsonNode node, boolean fromEnv) {
    switch (kind) {
      case STRING:
        return node.isValueNode() && !node.isBoolean() ? node.asText() : null;
      case BOOL:
        if (node.isBoolean()) {
          return node.booleanValue();
        }
        if (fromEnv && node.isTextual()) {
          String t = node.textValue().trim().toLowerCase(Locale.ROOT);
          return t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null;
        }
        return null;
      case INT:
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        if (fromEnv && node.isTextual()) {
          try {
            return Long.parseLong(node.textValue().trim());
          } catch (NumberFormatException e) {
            return null;
          }
        }
        return null;
      case DOUBLE:
        if (node.isNumber()) {
          return node.doubleValue();
        }
        if (fromEnv && node.isTextual()) {
          try {
            return Double.parseDouble(node.textValue().trim());
          } catch (NumberFormatException e) {
            return null;
          }
        }
        return null;
      case STRING_LIST:
        if (node.isArray()) {
          List<String> items = new ArrayList<>();
          for (JsonNode item : node) {
            if (!item.isValueNode() || item.isNull()) {
              return null;
            }
            items.add(item.asText());
          }
          return items;
        }
        if (fromEnv && node.isTextual()) {
          List<String> items = new ArrayList<>();
          for (String part : node.textValue().split(",")) {
            if (!part.isBlank()) {
              items.add(part.trim());
            }
          }
          return items;
        }
        return null;
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
  }

  private static String notOnClassPath(String module) {
    return "a key of the module "
        + module
        + ", which is not on the class path (add the dependency, or remove the key)";
  }

  private static String describe(JsonNode node) {
    if (node == null) {
      return "missing";
    }
    if (node.isTextual()) {
      return "\"" + node.textValue() + "\"";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }
}
