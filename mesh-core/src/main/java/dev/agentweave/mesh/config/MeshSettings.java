package dev.agentweave.mesh.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The immutable settings of a node, read from an AgentWeave {@code config.yaml}. Every key, its
 * default and its constraint is listed in {@code docs/configuration.md}; environment variables
 * {@code AGENTWEAVE_<PATH>} (the key path in upper case with {@code .} replaced by {@code _})
 * override keys. Loading validates everything at once and throws a {@link ConfigException} that
 * lists every problem. With {@code agent.environment: production} the production rules refuse
 * insecure settings.
 *
 * @param agent the {@code agent} section
 * @param identity the {@code identity} section
 * @param authorization the {@code authorization} section
 * @param transport the {@code transport} section
 * @param server the {@code server} section
 * @param observability the {@code observability} section
 * @param sections the settings records of the modules' own sections ({@link
 *     dev.agentweave.mesh.config.ConfigSection}), one per type; read them with {@link #section}
 * @param warnings keys that were set but take effect only with a later part of the framework
 */
public record MeshSettings(
    AgentSettings agent,
    IdentitySettings identity,
    AuthorizationSettings authorization,
    TransportSettings transport,
    ServerSettings server,
    ObservabilitySettings observability,
    List<Object> sections,
    List<String> warnings) {

  /** Validates the components. */
  public MeshSettings {
    requireNonNull(agent, "agent");
    requireNonNull(identity, "identity");
    requireNonNull(authorization, "authorization");
    requireNonNull(transport, "transport");
    requireNonNull(server, "server");
    requireNonNull(observability, "observability");
    sections = List.copyOf(sections);
    warnings = List.copyOf(warnings);
  }

  /** Deployment environments; {@code production} switches on the production rules. */
  public enum Environment {
    /** Local development: the dev CA and allow-all are accepted. */
    DEVELOPMENT,
    /** Pre-production. */
    STAGING,
    /** Production: insecure settings are refused at load. */
    PRODUCTION
  }

  /** What happens when authorization denies. */
  public enum DefaultAction {
    /** Denied calls fail with permission denied. */
    DENY,
    /** Denials are logged and counted, and the call proceeds (never allowed in production). */
    LOG_ONLY
  }

  /**
   * Loads a file, with overrides from the process environment.
   *
   * @param file the YAML file
   * @return the settings
   * @throws ConfigException listing every problem, including a missing or unreadable file
   */
  public static MeshSettings load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads a file, with overrides from the given environment.
   *
   * @param file the YAML file
   * @param env the environment variables to apply
   * @return the settings
   * @throws ConfigException listing every problem
   */
  public static MeshSettings load(Path file, Map<String, String> env) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toString(),
          List.of(new ConfigProblem("(file)", file.toString(), "an existing YAML file", null)));
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(),
          List.of(new ConfigProblem("(file)", e.toString(), "a readable YAML file", null)));
    }
    return parse(file.getFileName().toString(), text, env);
  }

  /**
   * Parses YAML text.
   *
   * @param source a name for the text in error messages
   * @param yaml the YAML document
   * @param env the environment variables to apply (use {@code Map.of()} for none)
   * @return the settings
   * @throws ConfigException listing every problem
   */
  public static MeshSettings parse(String source, String yaml, Map<String, String> env) {
    requireNonNull(source, "source");
    requireNonNull(yaml, "yaml");
    requireNonNull(env, "env");
    ConfigReader reader = new ConfigReader(source);
    ConfigReader.Result result = reader.read(yaml, env);
    MeshSettings core = CoreSettings.build(result);
    CoreSettings.checkRules(core, reader);
    ConfigValues values = new ConfigValues(result.values(), reader::envSource);
    List<Object> sections = new ArrayList<>();
    for (ConfigSection<?> section : ConfigSections.found()) {
      sections.add(readSection(section, values, core.isProduction(), reader));
    }
    reader.throwIfProblems();
    return core.withSections(sections);
  }

  private static <T> T readSection(
      ConfigSection<T> section, ConfigValues values, boolean production, ConfigReader reader) {
    T settings = section.read(values);
    section.check(settings, values, production, reader::addProblem);
    return settings;
  }

  private MeshSettings withSections(List<Object> value) {
    return new MeshSettings(
        agent, identity, authorization, transport, server, observability, value, warnings);
  }

  /**
   * Tells whether the production rules apply.
   *
   * @return true for {@code agent.environment: production}
   */
  public boolean isProduction() {
    return agent.environment() == Environment.PRODUCTION;
  }

  /**
   * A copy with another {@code agent} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withAgent(AgentSettings value) {
    return new MeshSettings(
        value, identity, authorization, transport, server, observability, sections, warnings);
  }

  /**
   * A copy with another {@code authorization} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withAuthorization(AuthorizationSettings value) {
    return new MeshSettings(
        agent, identity, value, transport, server, observability, sections, warnings);
  }

  /**
   * A copy with another {@code transport} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withTransport(TransportSettings value) {
    return new MeshSettings(
        agent, identity, authorization, value, server, observability, sections, warnings);
  }

  /**
   * The settings record of a module's section.
   *
   * @param type the record's type, {@link dev.agentweave.mesh.config.ConfigSection#type()}
   * @param <T> the type
   * @return the record
   * @throws IllegalStateException if no module on the class path contributes such a section
   */
  public <T> T section(Class<T> type) {
    requireNonNull(type, "type");
    for (Object s : sections) {
      if (type.isInstance(s)) {
        return type.cast(s);
      }
    }
    throw new IllegalStateException(
        "no configuration section of type "
            + type.getName()
            + ": the module that contributes it is not on the class path");
  }

  /**
   * A copy with another record of a module's section (replacing the one of the same type).
   *
   * @param value the record
   * @return the copy
   */
  public MeshSettings withSection(Object value) {
    requireNonNull(value, "value");
    List<Object> next = new ArrayList<>();
    for (Object s : sections) {
      if (s.getClass() != value.getClass()) {
        next.add(s);
      }
    }
    next.add(value);
    return new MeshSettings(
        agent, identity, authorization, transport, server, observability, next, warnings);
  }

  /**
   * A copy with another {@code server} section.
   *
   * @param value the section
   * @return the copy
   */
  public MeshSettings withServer(ServerSettings value) {
    return new MeshSettings(
        agent, identity, authorization, transport, value, observability, sections, warnings);
  }
}
