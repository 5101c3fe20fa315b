package dev.agentweave.mesh.config;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeIdPattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The schema of configuration keys: sections, lists of objects and typed leaves with a default, a
 * constraint, the expectation text that errors and the reference print, and a description. The
 * node's own keys and every module's {@link dev.agentweave.mesh.config.ConfigSection} are built
 * with it, and validated as one document (ADR 0002, ADR 0005).
 *
 * <p>A module declares its section like this:
 *
 * <pre>{@code
 * ConfigSpec.Section schema =
 *     ConfigSpec.section()
 *         .add("enabled", ConfigSpec.bool(false, "Turn the feature on."))
 *         .add("port", ConfigSpec.integer(8080, 0, 65_535, "Port of the feature."))
 *         .build();
 * }</pre>
 */
public final class ConfigSpec {
  private ConfigSpec() {}

  /** A node of the schema. */
  public sealed interface Spec permits Section, Leaf, ObjectList {}

  /** Kinds of leaf values. */
  public enum Kind {
    /** Text (a YAML scalar other than a boolean). */
    STRING,
    /** A whole number, read as {@code long}. */
    INT,
    /** A number, read as {@code double}. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOL,
    /** A list of scalars, or a comma-separated environment variable. */
    STRING_LIST
  }

  /**
   * A mapping of keys.
   *
   * @param children the keys in document order
   * @param pending when set, the section is validated but used only by a later part of the
   *     framework; the note says which, and setting a key there produces a warning
   */
  public record Section(Map<String, Spec> children, String pending) implements Spec {
    /** Copies the children (unmodifiable, order kept). */
    public Section {
      children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
    }

    /**
     * A copy marked as used only by a later part of the framework.
     *
     * @param note which part
     * @return the copy
     */
    public Section pendingUntil(String note) {
      return new Section(children, requireNonNull(note, "note"));
    }
  }

  /**
   * A list of mappings.
   *
   * @param item the schema of each item
   * @param doc what the list is for
   */
  public record ObjectList(Section item, String doc) implements Spec {}

  /**
   * A value.
   *
   * @param kind its type
   * @param defaultValue the default ({@code null} when none)
   * @param required whether it must be present
   * @param valid tells whether a value of the right type meets the constraint ({@code null}: any)
   * @param expected the expectation text used in errors and docs
   * @param doc what the key does
   * @param pending when set, the key is validated but used only by a later part of the framework,
   *     which the note names; setting it produces a warning
   */
  public record Leaf(
      Kind kind,
      Object defaultValue,
      boolean required,
      Predicate<Object> valid,
      String expected,
      String doc,
      String pending)
      implements Spec {
    /**
     * A copy marked as used only by a later part of the framework.
     *
     * @param note which part
     * @return the copy
     */
    public Leaf pendingUntil(String note) {
      return new Leaf(kind, defaultValue, required, valid, expected, doc, note);
    }
  }

  /**
   * Starts a section.
   *
   * @return an empty builder
   */
  public static SectionBuilder section() {
    return new SectionBuilder();
  }

  /** Builds a {@link Section} key by key, in document order. Not thread-safe. */
  public static final class SectionBuilder {
    private final Map<String, Spec> children = new LinkedHashMap<>();

    private SectionBuilder() {}

    /**
     * Adds a key.
     *
     * @param key the key (lower case, words joined by '_')
     * @param spec its schema
     * @return this builder
     * @throws IllegalArgumentException if the key is there already or is not snake case
     */
    public SectionBuilder add(String key, Spec spec) {
      requireNonNull(key, "key");
      requireNonNull(spec, "spec");
      if (!key.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            "configuration key '" + key + "': expected lower case letters, digits and '_'");
      }
      if (children.putIfAbsent(key, spec) != null) {
        throw new IllegalArgumentException("configuration key '" + key + "' declared twice");
      }
      return this;
    }

    /**
     * The section.
     *
     * @return the section
     */
    public Section build() {
      return new Section(children, null);
    }
  }

  /**
   * A leaf.
   *
   * @param kind its type
   * @param def its default, or {@code null}
   * @param valid its constraint, or {@code null}
   * @param expected the expectation text
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf leaf(
      Kind kind, Object def, Predicate<Object> valid, String expected, String doc) {
    return new Leaf(kind, def, false, valid, expected, doc, null);
  }

  /**
   * A leaf that must be present.
   *
   * @param kind its type
   * @param valid its constraint, or {@code null}
   * @param expected the expectation text
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf required(Kind kind, Predicate<Object> valid, String expected, String doc) {
    return new Leaf(kind, null, true, valid, expected, doc, null);
  }

  /**
   * Any string.
   *
   * @param def the default
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf str(String def, String doc) {
    return new Leaf(Kind.STRING, def, false, null, "a string", doc, null);
  }

  /**
   * A boolean.
   *
   * @param def the default
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf bool(boolean def, String doc) {
    return new Leaf(Kind.BOOL, def, false, null, "true or false", doc, null);
  }

  /**
   * A whole number in a range.
   *
   * @param def the default
   * @param min the least value
   * @param max the greatest value
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf integer(long def, long min, long max, String doc) {
    return leaf(Kind.INT, def, intRange(min, max), "an integer in " + min + ".." + max, doc);
  }

  /**
   * A whole number of seconds in 1..604800 (a week).
   *
   * @param def the default
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf seconds(int def, String doc) {
    return new Leaf(
        Kind.INT,
        def,
        false,
        intRange(1, 86_400 * 7),
        "an integer number of seconds in 1..604800",
        doc,
        null);
  }

  /**
   * A list of strings.
   *
   * @param def the default
   * @param itemValid the constraint of each item, or {@code null}
   * @param expected the expectation text
   * @param doc what it does
   * @return the leaf
   */
  public static Leaf list(
      List<String> def, Predicate<Object> itemValid, String expected, String doc) {
    Predicate<Object> valid = null;
    if (itemValid != null) {
      valid = v -> ((List<?>) v).stream().allMatch(itemValid);
    }
    return new Leaf(
        Kind.STRING_LIST, List.copyOf(new ArrayList<>(def)), false, valid, expected, doc, null);
  }

  /**
   * One string of a fixed set.
   *
   * @param def the default
   * @param doc what it does
   * @param values the allowed values
   * @return the leaf
   */
  public static Leaf oneOf(String def, String doc, String... values) {
    List<String> allowed = List.of(values);
    return new Leaf(
        Kind.STRING,
        def,
        false,
        allowed::contains,
        allowed.size() == 1 ? allowed.get(0) : "one of " + String.join(", ", allowed),
        doc,
        null);
  }

  /**
   * The constraint of a whole number in a range.
   *
   * @param min the least value
   * @param max the greatest value
   * @return the constraint
   */
  public static Predicate<Object> intRange(long min, long max) {
    return v -> {
      long n = ((Number) v).longValue();
      return n >= min && n <= max;
    };
  }

  /**
   * The constraint of a number greater than zero.
   *
   * @return the constraint
   */
  public static Predicate<Object> positive() {
    return v -> ((Number) v).doubleValue() > 0;
  }

  /**
   * The constraint of a string matching a regular expression in full.
   *
   * @param regex the expression
   * @return the constraint
   */
  public static Predicate<Object> matches(String regex) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    return v -> p.matcher((String) v).matches();
  }

  /**
   * The constraint of a {@link SpiffeIdPattern}.
   *
   * @return the constraint
   */
  public static Predicate<Object> spiffeIdPattern() {
    return v -> {
      try {
        SpiffeIdPattern.of((String) v);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    };
  }
}
