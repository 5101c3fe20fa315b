package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node in a child process of the test: {@code agentweave node --config FILE} (or another main
 * class) on the test's own class path, its output and errors in {@code <directory>/<name>.log}. For
 * what only a real process shows: SIGTERM and SIGKILL, exit codes, a JVM's own limits, a cluster
 * member that dies without a word.
 *
 * <pre>{@code
 * try (NodeProcess p = NodeProcess.builder(dir, "search").yaml(config).start()) {
 *   URI gateway = p.awaitReady(Duration.ofSeconds(60)).orElseThrow();
 *   ...
 *   p.terminate();
 *   assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
 * }
 * }</pre>
 *
 * Closing kills the process if it still runs. Only the process this object started is ever
 * signalled. Thread-safe.
 */
public final class NodeProcess implements AutoCloseable {
  /** The main class of {@code agentweave} (module mesh-cli), the default. */
  public static final String CLI_MAIN = "dev.agentweave.mesh.cli.AgentWeaveCli";

  private final String name;
  private final Process process;
  private final Path logFile;

  private NodeProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * A builder for a process named {@code name} working in {@code directory}.
   *
   * @param directory the working directory; the configuration and the log are written there
   * @param name the name of the log ({@code name.log}) and the configuration ({@code name.yaml})
   * @return the builder
   */
  public static Builder builder(Path directory, String name) {
    return new Builder(requireNonNull(directory, "directory"), requireNonNull(name, "name"));
  }

  /**
   * The name given to the builder.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The operating system's process ID.
   *
   * @return the PID
   */
  public long pid() {
    return process.pid();
  }

  /**
   * The JDK process, for its streams' exit or its handle.
   *
   * @return the process
   */
  public Process process() {
    return process;
  }

  /**
   * Whether the process still runs.
   *
   * @return true while it runs
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The file that receives the process's output and errors.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * What the process has written so far.
   *
   * @return the log's text (empty before the first line)
   */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(logFile + ": cannot read the node's log", e);
    }
  }

  /**
   * Waits until {@code agentweave node} printed {@code ready}: the node serves.
   *
   * @param timeout the longest wait
   * @return the gateway URL it printed, or empty when the node serves no gateway
   * @throws IllegalStateException if the process exits first or the time runs out (the message ends
   *     with the log's last lines)
   */
  public java.util.Optional<java.net.URI> awaitReady(Duration timeout) {
    String line = awaitLine("ready ", timeout);
    String rest = line.substring("ready ".length()).trim();
    return rest.startsWith("https://")
        ? java.util.Optional.of(java.net.URI.create(rest.split("\\s+")[0]))
        : java.util.Optional.empty();
  }

  /**
   * Waits until a line of the log contains a text.
   *
   * @param text the text
   * @param timeout the longest wait
   * @return the first line containing it
   * @throws IllegalStateException if the process exits without writing it, or the time runs out
   */
  public String awaitLine(String text, Duration timeout) {
    requireNonNull(text, "text");
    String[] found = new String[1];
    Waits.until(
        timeout,
        () -> {
          for (String l : log().split("\n", -1)) {
            if (l.contains(text)) {
              found[0] = l;
              return true;
            }
          }
          return false;
        },
        () ->
            process.isAlive() || log().contains(text)
                ? null
                : "the process exited with " + process.exitValue(),
        name + " to log \"" + text + "\"",
        () -> "; its log ends with:\n" + tail());
    return found[0];
  }

  /** Sends SIGTERM (a normal termination request): the node drains and stops. */
  public void terminate() {
    process.destroy();
  }

  /** Sends SIGKILL: the process ends at once, without a word to anyone. */
  public void kill() {
    process.destroyForcibly();
  }

  /**
   * Waits for the process to exit.
   *
   * @param timeout the longest wait
   * @return its exit code
   * @throws IllegalStateException if it still runs after the timeout
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            name
                + " still runs after "
                + timeout.toSeconds()
                + " s; its log ends with:\n"
                + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
    }
    return process.exitValue();
  }

  /**
   * Copies the log to {@code target/node-logs/<test class>/} (relative to the working directory of
   * the test JVM, the module's directory under Maven), for a look after the run.
   *
   * @param test the test class
   */
  public void keepLog(Class<?> test) {
    Path keep = Path.of("target", "node-logs", test.getSimpleName());
    try {
      Files.createDirectories(keep);
      if (Files.exists(logFile)) {
        Files.copy(
            logFile, keep.resolve(logFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep " + logFile, e);
    }
  }

  /** Kills the process if it still runs and waits up to 30 s for it to end. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Why the first of these processes that failed did (a non-zero exit), or null. */
  static String firstFailure(java.util.Collection<NodeProcess> processes) {
    for (NodeProcess p : processes) {
      if (!p.isAlive() && p.process.exitValue() != 0) {
        return p.name
            + " exited with "
            + p.process.exitValue()
            + "; its log ends with:\n"
            + p.tail()
            + "\n";
      }
    }
    return null;
  }

  /** The last 40 lines of the log. */
  String tail() {
    String[] lines = log().split("\n", -1);
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
  }

  @Override
  public String toString() {
    return "NodeProcess[" + name + ", pid " + process.pid() + "]";
  }

  /** Builds and starts a {@link NodeProcess}. Not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private final String name;
    private Path config;
    private String mainClass = CLI_MAIN;
    private String heap = "256m";
    private final List<String> jvmArgs = new ArrayList<>();
    private List<String> args;

    private Builder(Path directory, String name) {
      this.directory = directory;
      this.name = name;
    }

    /**
     * Runs {@code node --config FILE} with this file.
     *
     * @param file the configuration
     * @return this builder
     */
    public Builder config(Path file) {
      this.config = requireNonNull(file, "file");
      return this;
    }

    /**
     * Writes this YAML to {@code <directory>/<name>.yaml} and runs {@code node --config} with it.
     *
     * @param yaml the configuration
     * @return this builder
     */
    public Builder yaml(String yaml) {
      requireNonNull(yaml, "yaml");
      Path file = directory.resolve(name + ".yaml");
      try {
        Files.createDirectories(directory);
        Files.writeString(file, yaml);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot write the node's configuration", e);
      }
      this.config = file;
      return this;
    }

    /**
     * Runs another main class than {@link #CLI_MAIN} (it must be on the test's class path).
     *
     * @param className the class
     * @return this builder
     */
    public Builder mainClass(String className) {
      this.mainClass = requireNonNull(className, "className");
      return this;
    }

    /**
     * The maximum heap, as for {@code -Xmx} ({@code 256m} unless set).
     *
     * @param value for example {@code 512m}
     * @return this builder
     */
    public Builder heap(String value) {
      this.heap = requireNonNull(value, "heap");
      return this;
    }

    /**
     * Adds a JVM option, for example {@code -Dpekko.loglevel=DEBUG}.
     *
     * @param option the option
     * @return this builder
     */
    public Builder jvmArg(String option) {
      jvmArgs.add(requireNonNull(option, "option"));
      return this;
    }

    /**
     * Replaces the program arguments ({@code node --config FILE} unless set).
     *
     * @param values the arguments
     * @return this builder
     */
    public Builder args(String... values) {
      this.args = List.of(values);
      return this;
    }

    /**
     * Starts the process.
     *
     * @return the process
     * @throws IllegalStateException if neither a configuration nor arguments were given, or the
     *     main class is not on the class path (add the mesh-cli module as a test dependency)
     * @throws UncheckedIOException if the process cannot be started
     */
    public NodeProcess start() {
      if (args == null && config == null) {
        throw new IllegalStateException(
            name + ": give the node a configuration (yaml or config) or its arguments (args)");
      }
      try {
        Class.forName(mainClass, false, NodeProcess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            mainClass
                + " is not on the test class path"
                + (CLI_MAIN.equals(mainClass) ? " (add mesh-cli as a test dependency)" : ""),
            e);
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heap);
      command.addAll(jvmArgs);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(mainClass);
      command.addAll(args != null ? args : List.of("node", "--config", config.toString()));
      Path log = directory.resolve(name + ".log");
      try {
        Files.createDirectories(directory);
        Process p =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new NodeProcess(name, p, log);
      } catch (IOException e) {
        throw new UncheckedIOException(name + ": cannot start the node process", e);
      }
    }
  }
}
