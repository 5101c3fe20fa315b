package dev.agentweave.mesh.config;

import java.util.function.Consumer;

/**
 * A module's own section of {@code config.yaml}, found with {@link java.util.ServiceLoader} (ADR
 * 0005): its key, its schema, and the record the module reads from it. The loader validates the
 * node's keys and every section found as one document, so errors, environment variables ({@code
 * AGENTWEAVE_<PATH>}) and {@code agentweave config reference} cover the section like any other key;
 * the module then finds its record with {@link
 * dev.agentweave.mesh.config.MeshSettings#section(Class)}. Implementations are stateless and
 * thread-safe.
 *
 * @param <T> the module's settings record (immutable)
 */
public interface ConfigSection<T> {
  /**
   * Where the section sits: a top-level key ({@code cluster}) or a key inside one of the node's
   * sections ({@code identity.extra}). The framework's own modules may also name a shared section
   * the node declares keys of ({@code identity}, {@code server}, {@code transport}); their keys are
   * then added after the node's (ADR 0005).
   *
   * @return the dotted path
   */
  String path();

  /**
   * The module that reads the section, named in errors ({@code dev.agentweave:mesh-cluster}).
   *
   * @return the Maven coordinates without version
   */
  String module();

  /**
   * The section's keys.
   *
   * @return the schema
   */
  ConfigSpec.Section schema();

  /**
   * The record's type, the key of {@link dev.agentweave.mesh.config.MeshSettings#section(Class)}.
   *
   * @return the type
   */
  Class<T> type();

  /**
   * Reads the record from a validated document. Called only when no key has a problem.
   *
   * @param values every key's value, defaults filled in
   * @return the record
   */
  T read(ConfigValues values);

  /**
   * Checks rules that span keys (one key requires another), after {@link #read}.
   *
   * @param settings the record read
   * @param values every key's value
   * @param production whether {@code agent.environment} is {@code production}
   * @param problems receives each problem found
   */
  default void check(
      T settings, ConfigValues values, boolean production, Consumer<ConfigProblem> problems) {}
}
