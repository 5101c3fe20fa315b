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

  /**
   * Sections of the framework's own modules, by path, with the module that reads them. A section
   * listed here that the node also declares ({@code identity}, {@code server}, {@code transport})
   * is shared: the node declares the keys it reads itself, and the module adds its own keys to it
   * (after the node's).
   */
  private static final Map<String, String> FRAMEWORK_SECTIONS =
      Map.of(
          "cluster", "dev.agentweave:mesh-cluster",
          "identity", "dev.agentweave:mesh-identity",
          "server", "dev.agentweave:mesh-http",
          "transport", "dev.agentweave:mesh-http");

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
   * The module that reads an unknown key when that module is not on the class path: a section of a
   * missing framework module ({@code cluster}), or a key of such a module directly inside a shared
   * section ({@code server.port} without mesh-http; {@code transport.concurrency_limit.x} is a typo
   * in a section of the node, not a missing module's key).
   *
   * @param path the dotted path of a key the merged schema does not have
   * @return the module's coordinates, or {@code null} when the key is not a missing module's
   */
  public static String missingModule(String path) {
    for (Map.Entry<String, String> e : FRAMEWORK_SECTIONS.entrySet()) {
      String key = e.getKey();
      boolean inside =
          path.equals(key)
              || (path.startsWith(key + ".")
                  && path.indexOf('.', key.length() + 1) < 0
                  && path.indexOf('[') < 0);
      if (inside && !loaded(e.getValue())) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The section of a missing framework module that an environment variable would set.
   *
   * @param variable a variable starting with {@code AGENTWEAVE_} that names no known key
   * @return the section's key ({@code cluster}, {@code server}), or {@code null}
   */
  public static String missingSectionOfVariable(String variable) {
    for (Map.Entry<String, String> e : FRAMEWORK_SECTIONS.entrySet()) {
      if (variable.startsWith(variablePrefix(e.getKey())) && !loaded(e.getValue())) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * The module that reads a framework section.
   *
   * @param section a key of {@link #missingSectionOfVariable}
   * @return the module's coordinates
   */
  public static String moduleOf(String section) {
    return FRAMEWORK_SECTIONS.get(section);
  }

  /**
   * The prefix of the environment variables of a section's keys.
   *
   * @param section the section's path
   * @return for example {@code AGENTWEAVE_SERVER_}
   */
  public static String variablePrefix(String section) {
    return "AGENTWEAVE_" + section.toUpperCase(Locale.ROOT).replace('.', '_') + "_";
  }

  private static boolean loaded(String module) {
    for (ConfigSection<?> s : FOUND) {
      if (s.module().equals(module)) {
        return true;
      }
    }
    return false;
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
      String path = String.join(".", parts);
      if (existing instanceof Section shared
          && owner.module().equals(FRAMEWORK_SECTIONS.get(path))) {
        children.put(parts[i], join(shared, value, path, owner));
      } else if (existing != null) {
        throw new IllegalStateException(
            "configuration key '"
                + path
                + "' of "
                + owner.module()
                + " is declared already (two modules claim it)");
      } else {
        children.put(parts[i], value);
      }
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

  /** A shared section: the node's keys, then the module's; a key declared by both is a defect. */
  private static Section join(Section node, Section module, String path, ConfigSection<?> owner) {
    Map<String, Spec> children = new LinkedHashMap<>(node.children());
    module
        .children()
        .forEach(
            (key, spec) -> {
              if (children.putIfAbsent(key, spec) != null) {
                throw new IllegalStateException(
                    "configuration key '"
                        + path
                        + "."
                        + key
                        + "' of "
                        + owner.module()
                        + " is declared already (two modules claim it)");
              }
            });
    return new Section(children, node.pending());
  }
}
