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

  /**
   * A JDK HTTP client (HTTP/1.1, TLS 1.3) presenting the certificate that {@code agentweave ca
   * issue} wrote into {@code creds} and trusting its bundle.
   */
  static java.net.http.HttpClient mtlsClient(Path creds) throws Exception {
    javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
    params.setProtocols(new String[] {"TLSv1.3"});
    return java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .sslContext(mtls(creds))
        .sslParameters(params)
        .connectTimeout(java.time.Duration.ofSeconds(5))
        .executor(java.util.concurrent.Executors.newFixedThreadPool(8))
        .build();
  }

  /** The TLS context of {@link #mtlsClient}. */
  static javax.net.ssl.SSLContext mtls(Path creds) throws Exception {
    java.util.List<java.security.cert.X509Certificate> chain =
        dev.agentweave.mesh.identity.x509.Pem.readCertificates(creds.resolve("svid.pem"));
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "k",
        dev.agentweave.mesh.identity.x509.Pem.readPrivateKey(creds.resolve("svid.key")),
        "pw".toCharArray(),
        chain.toArray(new java.security.cert.X509Certificate[0]));
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "pw".toCharArray());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        dev.agentweave.mesh.identity.x509.Pem.readCertificates(creds.resolve("bundle.pem")).get(0));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
