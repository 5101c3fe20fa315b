package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.testkit.NodeProcess;
import java.nio.file.Path;

/**
 * Configurations of {@code agentweave node} with the sample agents, for the process tests of the
 * command (trust domain example.org, the repository's {@code config/policy.cedar}); the processes
 * themselves are the test kit's {@link NodeProcess}.
 */
final class SampleNodeConfigs {
  private SampleNodeConfigs() {}

  /**
   * Writes {@code <dir>/node.yaml} for a node of trust domain example.org hosting the sample {@code
   * search} agent on loopback, with the dev CA of {@code dir} and Cedar with {@code
   * config/policy.cedar}, and issues {@code spiffe://example.org/agent/<name>} certificates into
   * {@code <dir>/<name>} for each client name.
   *
   * @param dir the test's directory
   * @param port the gateway port (0 picks one)
   * @param server more {@code server:} keys, one YAML line each, indented by 2
   * @param clients agent names to issue client certificates for
   * @return the configuration file
   */
  static Path searchNode(Path dir, int port, String server, String... clients)
      throws java.io.IOException {
    Path config = dir.resolve("node.yaml");
    java.nio.file.Files.writeString(
        config,
        """
        agent: {name: search, trust_domain: example.org, environment: development}
        identity:
          provider: dev-ca
          dev_ca: {directory: "%s"}
        authorization:
          provider: cedar
          cedar: {policy_file: "%s"}
          audit: {enabled: false}
        server:
          host: 127.0.0.1
          port: %d
          agents: [search]
        %s
        """
            .formatted(
                dir.resolve("ca"),
                Path.of("..", "config", "policy.cedar").toAbsolutePath().normalize(),
                port,
                server.indent(2).stripTrailing()));
    for (String name : clients) {
      CliTest.Run issued =
          CliTest.run(
              "ca",
              "issue",
              "--spiffe-id",
              "spiffe://example.org/agent/" + name,
              "--out",
              dir.resolve(name).toString(),
              "--config",
              config.toString());
      if (issued.code() != 0) {
        throw new IllegalStateException("ca issue " + name + ": " + issued.err());
      }
    }
    return config;
  }
}
