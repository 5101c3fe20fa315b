package dev.agentweave.mesh.config;

import java.util.List;

/**
 * A configuration could not be loaded. {@link #problems()} lists every problem found, each naming
 * the key path, the value and what was expected; the message joins them one per line.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /**
   * Creates the exception.
   *
   * @param source where the configuration came from (a file name or "inline")
   * @param problems every problem found, at least one
   */
  public ConfigException(String source, List<ConfigProblem> problems) {
    super(message(source, problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(String source, List<ConfigProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(source).append(": ").append(problems.size()).append(" configuration error");
    sb.append(problems.size() == 1 ? "" : "s");
    for (ConfigProblem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p);
    }
    return sb.toString();
  }

  /** Every problem found, in document order. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
