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

  /**
   * Starts {@code agentweave node} as a cluster member of trust domain example.org on loopback,
   * with the dev CA of {@code dir}, Cedar with {@code config/policy.cedar}, and the split brain
   * resolver deciding after 5 s; its output goes to {@code <dir>/<name>.log}.
   *
   * @param dir the test's directory (dev CA, configuration, log)
   * @param agent the default agent, the one sample agent the node hosts
   * @param name the node name
   * @param remoting the remoting port
   * @param seed the remoting port of the seed node
   * @param gateway the gateway port
   * @return the started process
   */
  static Process clusterNode(
      Path dir, String agent, String name, int remoting, int seed, int gateway)
      throws java.io.IOException {
    Path config = dir.resolve(name + ".yaml");
    java.nio.file.Files.writeString(
        config,
        """
        agent: {name: %s, trust_domain: example.org, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        authorization:
          provider: cedar
          cedar: {policy_file: "%s"}
          audit: {enabled: false}
          decision_timeout_seconds: 15   # cold JVMs on two shared cores
        cluster:
          enabled: true
          node_name: %s
          host: 127.0.0.1
          port: %d
          seed_nodes: ["127.0.0.1:%d"]
          split_brain_resolver: {stable_after_seconds: 5}
        server: {host: 127.0.0.1, port: %d, agents: [%s], graceful_shutdown_seconds: 2}
        """
            .formatted(
                agent,
                dir.resolve("ca"),
                Path.of("..", "config", "policy.cedar").toAbsolutePath().normalize(),
                name,
                remoting,
                seed,
                gateway,
                agent));
    return node(config, dir).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  /**
   * Copies the nodes' logs ({@code *.log} of a test's directory) to {@code
   * target/node-logs/<test>}, for a look after the run.
   */
  static void keepLogs(Path dir, Class<?> test) throws java.io.IOException {
    Path keep = Path.of("target", "node-logs", test.getSimpleName());
    java.nio.file.Files.createDirectories(keep);
    try (var logs = java.nio.file.Files.newDirectoryStream(dir, "*.log")) {
      for (Path log : logs) {
        java.nio.file.Files.copy(
            log,
            keep.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * A TCP port that was free on loopback a moment ago, below the system's ephemeral range: a node
   * process binds it seconds later, and a port of the ephemeral range may meanwhile become the
   * local end of some outgoing connection (the test's own pooled clients open many).
   */
  private static final java.util.Set<Integer> GIVEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static int freePort() throws java.io.IOException {
    int ephemeralLow = 32_768;
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (java.nio.file.Files.isReadable(range)) {
      ephemeralLow =
          Integer.parseInt(java.nio.file.Files.readString(range).trim().split("\\s+")[0]);
    }
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200 && ephemeralLow > 20_001; attempt++) {
      int port = random.nextInt(20_000, ephemeralLow);
      if (!GIVEN.add(port)) {
        continue; // handed out to this test JVM before
      }
      try (java.net.ServerSocket s = new java.net.ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (java.io.IOException inUse) {
        // try another
      }
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
