package dev.agentweave.mesh.config;

import static java.util.Objects.requireNonNull;

/**
 * One configuration problem: the key path ({@code transport.connection_pool.max_connections}), the
 * offending value as written (or {@code null} when a required key is missing), what was expected,
 * and the source of the value when it came from an environment variable.
 *
 * @param path the dotted key path; list items appear as {@code agent.capabilities[2].name}
 * @param value the value as written, or {@code null} when missing
 * @param expected what a valid value looks like
 * @param source {@code null} for the file, else the environment variable that set the value
 */
public record ConfigProblem(String path, String value, String expected, String source) {
  /** Validates the components. */
  public ConfigProblem {
    requireNonNull(path, "path");
    requireNonNull(expected, "expected");
  }

  @Override
  public String toString() {
    String shown = value == null ? "missing" : value;
    String from = source == null ? "" : " (from " + source + ")";
    return path + ": " + shown + from + " (expected: " + expected + ")";
  }
}
