package dev.agentweave.mesh.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The values of a validated configuration document, by dotted key path ({@code cluster.port}), with
 * defaults filled in: what a {@link dev.agentweave.mesh.config.ConfigSection} reads its record
 * from. Every key of the merged schema is present, so a section may also read another's key (the
 * cluster's node name defaults to {@code agent.name}). Immutable.
 */
public final class ConfigValues {
  private final Map<String, Object> values;
  private final Function<String, String> envSource;

  /**
   * Wraps values read by the loader.
   *
   * @param values path to value (String, Long, Double, Boolean, List of String; list keys map to a
   *     List of Maps keyed by the item's relative paths)
   * @param envSource the environment variable that set a path, or {@code null}
   */
  public ConfigValues(Map<String, Object> values, Function<String, String> envSource) {
    this.values =
        java.util.Collections.unmodifiableMap(
            new java.util.LinkedHashMap<>(requireNonNull(values, "values")));
    this.envSource = requireNonNull(envSource, "envSource");
  }

  /**
   * Whether the schema has the key (a leaf or a list).
   *
   * @param path the path
   * @return whether it is known
   */
  public boolean has(String path) {
    return values.containsKey(path);
  }

  /**
   * The value as read, or {@code null} for a key without default that is not set.
   *
   * @param path the path
   * @return the value
   */
  public Object raw(String path) {
    return values.get(path);
  }

  /**
   * A string; empty when unset.
   *
   * @param path the path
   * @return the value
   */
  public String str(String path) {
    Object o = values.get(path);
    return o == null ? "" : o.toString();
  }

  /**
   * A string, or another key's when this one is empty.
   *
   * @param path the path
   * @param fallback the other key
   * @return the value
   */
  public String strOr(String path, String fallback) {
    String v = str(path);
    return v.isEmpty() ? str(fallback) : v;
  }

  /**
   * A whole number, capped at {@link Integer#MAX_VALUE}; 0 when unset.
   *
   * @param path the path
   * @return the value
   */
  public int integer(String path) {
    Object o = values.get(path);
    return o == null ? 0 : (int) Math.min(Integer.MAX_VALUE, ((Number) o).longValue());
  }

  /**
   * A number.
   *
   * @param path the path
   * @return the value
   */
  public double dbl(String path) {
    return ((Number) present(path)).doubleValue();
  }

  /**
   * A boolean.
   *
   * @param path the path
   * @return the value
   */
  public boolean bool(String path) {
    return (Boolean) present(path);
  }

  /**
   * A number of seconds as a duration.
   *
   * @param path the path
   * @return the value
   */
  public Duration seconds(String path) {
    return Duration.ofNanos(Math.round(((Number) present(path)).doubleValue() * 1e9));
  }

  /**
   * A list of strings; empty when unset.
   *
   * @param path the path
   * @return an unmodifiable list
   */
  @SuppressWarnings("unchecked")
  public List<String> list(String path) {
    Object o = values.get(path);
    return o == null ? List.of() : List.copyOf((List<String>) o);
  }

  /**
   * The items of a list of mappings, each with keys relative to the item.
   *
   * @param path the list's path
   * @return the items, in order
   */
  @SuppressWarnings("unchecked")
  public List<ConfigValues> items(String path) {
    Object o = values.get(path);
    List<ConfigValues> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (Object item : l) {
        out.add(new ConfigValues((Map<String, Object>) item, p -> null));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The environment variable that set a key, for a {@link ConfigProblem}.
   *
   * @param path the path
   * @return the variable's name, or {@code null}
   */
  public String envSource(String path) {
    return envSource.apply(path);
  }

  private Object present(String path) {
    Object o = values.get(path);
    if (o == null) {
      throw new IllegalArgumentException("no configuration value at " + path);
    }
    return o;
  }
}
