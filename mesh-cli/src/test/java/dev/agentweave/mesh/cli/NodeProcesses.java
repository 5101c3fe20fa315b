package dev.agentweave.mesh.cli;

import java.nio.file.Path;

/** {@code agentweave node} as a child process of a test, on the test's own class path. */
final class NodeProcesses {
  private NodeProcesses() {}

  /**
   * A process builder for {@code agentweave node --config CONFIG} in a directory, output and errors
   * merged; the caller decides where the output goes and starts it.
   */
  static ProcessBuilder node(Path config, Path workingDirectory) {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            AgentWeaveCli.class.getName(),
            "node",
            "--config",
            config.toString())
        .directory(workingDirectory.toFile())
        .redirectErrorStream(true);
  }

  /** A TCP port that was free on loopback a moment ago. */
  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
