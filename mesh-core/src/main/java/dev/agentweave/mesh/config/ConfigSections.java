package dev.agentweave.mesh.config;

import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigSpec.Spec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The configuration sections modules contribute ({@link ConfigSection}, found with ServiceLoader on
 * mesh-core's class loader), merged with the node's own keys into the one schema the loader
 * validates against (ADR 0005). Knows the sections of the framework's modules, so that a section
 * whose module is missing is named as such instead of reported as an unknown key.
 */
final class ConfigSections {
  /** Top-level keys in document order; contributed sections not listed here come last. */
  private static final List<String> ORDER =
      List.of(
          "agent", "identity", "authorization", "transport", "server", "cluster", "observability");

  /** Sections of the framework's own modules, by path, with the module that reads them. */
  private static final Map<String, String> FRAMEWORK_SECTIONS =
      Map.of("cluster", "dev.agentweave:mesh-cluster");

  private static final List<ConfigSection<?>> FOUND = load();

  /** The merged schema: the node's keys and every contributed section. */
  static final Section ROOT = merge(ConfigSchema.core(), FOUND);

  private ConfigSections() {}

  /**
   * The sections found on the class path, ordered by path.
   *
   * @return the sections
   */
  public static List<ConfigSection<?>> found() {
    return FOUND;
  }

  /**
   * The module that reads a top-level key when that module is not on the class path.
   *
   * @param key a top-level key of a document
   * @return the module's coordinates, or {@code null} when the key is not a missing module's
   */
  public static String missingModule(String key) {
    String module = FRAMEWORK_SECTIONS.get(key);
    return module == null || ROOT.children().containsKey(key) ? null : module;
  }

  /**
   * The missing module whose section an environment variable would set.
   *
   * @param variable a variable starting with {@code AGENTWEAVE_}
   * @return the module's coordinates, or {@code null}
   */
  public static String missingModuleOfVariable(String variable) {
    for (String key : FRAMEWORK_SECTIONS.keySet()) {
      String prefix = "AGENTWEAVE_" + key.toUpperCase(Locale.ROOT).replace('.', '_') + "_";
      if (variable.startsWith(prefix) && missingModule(key) != null) {
        return FRAMEWORK_SECTIONS.get(key);
      }
    }
    return null;
  }

  private static List<ConfigSection<?>> load() {
    List<ConfigSection<?>> out = new ArrayList<>();
    for (ConfigSection<?> s :
        ServiceLoader.load(ConfigSection.class, ConfigSection.class.getClassLoader())) {
      out.add(s);
    }
    out.sort(Comparator.comparing(ConfigSection::path));
    return List.copyOf(out);
  }

  static Section merge(Section core, List<ConfigSection<?>> sections) {
    Section merged = core;
    for (ConfigSection<?> s : sections) {
      if (!s.path().matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
        throw new IllegalStateException(
            "configuration section of "
                + s.module()
                + " has the path '"
                + s.path()
                + "'; expected dotted lower-case keys");
      }
      merged = put(merged, s.path().split("\\."), 0, s.schema(), s);
    }
    Map<String, Spec> ordered = new LinkedHashMap<>();
    for (String key : ORDER) {
      Spec spec = merged.children().get(key);
      if (spec != null) {
        ordered.put(key, spec);
      }
    }
    merged.children().forEach(ordered::putIfAbsent);
    return new Section(ordered, merged.pending());
  }

  private static Section put(
      Section into, String[] parts, int i, Section value, ConfigSection<?> owner) {
    Map<String, Spec> children = new LinkedHashMap<>(into.children());
    Spec existing = children.get(parts[i]);
    if (i == parts.length - 1) {
      if (existing != null) {
        throw new IllegalStateException(
            "configuration key '"
                + String.join(".", parts)
                + "' of "
                + owner.module()
                + " is declared already (two modules claim it)");
      }
      children.put(parts[i], value);
    } else {
      Section inner;
      if (existing == null) {
        inner = new Section(Map.of(), null);
      } else if (existing instanceof Section s) {
        inner = s;
      } else {
        throw new IllegalStateException(
            "configuration section '"
                + String.join(".", parts)
                + "' of "
                + owner.module()
                + " sits under a key that is not a section");
      }
      children.put(parts[i], put(inner, parts, i + 1, value, owner));
    }
    return new Section(children, into.pending());
  }
}
