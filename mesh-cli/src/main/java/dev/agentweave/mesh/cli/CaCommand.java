package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentweave ca}: the development CA. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "The development CA.",
    subcommands = {CaCommand.Issue.class})
final class CaCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Mints an SVID into files for tools such as curl and openssl. */
  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description =
          "Mint an X.509 SVID from the dev CA into DIR/svid.pem (chain), DIR/svid.key (PKCS#8,"
              + " mode 0600) and DIR/bundle.pem (the CA). The CA is created on first use.")
  static final class Issue implements Callable<Integer> {
    @Option(
        names = "--spiffe-id",
        required = true,
        paramLabel = "ID",
        description = "The SPIFFE ID, e.g. spiffe://example.org/agent/curl.")
    String spiffeId;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where to write the files.")
    Path out;

    @Option(
        names = "--ca-dir",
        paramLabel = "DIR",
        description = "The dev CA directory (default: identity.dev_ca.directory of --config).")
    Path caDir;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        defaultValue = "config/node.yaml",
        description = "Config whose dev CA directory is the default (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
        names = "--ttl-seconds",
        defaultValue = "86400",
        description = "Lifetime (default: ${DEFAULT-VALUE}).")
    long ttlSeconds;

    @Option(
        names = "--server-name",
        paramLabel = "NAME",
        description =
            "A DNS name or IP address to add as a SAN (repeatable), for server certificates.")
    List<String> serverNames = List.of();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      SpiffeId id;
      try {
        id = SpiffeId.parse(spiffeId);
      } catch (IllegalArgumentException e) {
        err.println("--spiffe-id: " + e.getMessage());
        return 2;
      }
      if (ttlSeconds < 1) {
        err.println("--ttl-seconds: " + ttlSeconds + " (expected: >= 1)");
        return 2;
      }
      Path dir = caDir;
      if (dir == null) {
        try {
          dir =
              Path.of(
                  MeshSettings.load(config)
                      .section(X509IdentitySettings.class)
                      .devCa()
                      .directory());
        } catch (ConfigException e) {
          err.println(e.getMessage());
          err.println("(pass --ca-dir to choose the CA directory without a config)");
          return 2;
        }
      }
      try {
        DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir, TrustDomain.of(id));
        X509Svid svid = ca.issue(id, Duration.ofSeconds(ttlSeconds), serverNames);
        Files.createDirectories(out);
        Pem.write(out.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
        Pem.write(out.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
        Pem.write(
            out.resolve("bundle.pem"), Pem.encodeCertificates(List.of(ca.certificate())), false);
        PrintWriter o = spec.commandLine().getOut();
        o.println("issued " + id + " (expires " + svid.expiresAt() + ") from the dev CA in " + dir);
        o.println("  " + out.resolve("svid.pem") + "  certificate chain");
        o.println("  " + out.resolve("svid.key") + "  private key (PKCS#8, mode 0600)");
        o.println("  " + out.resolve("bundle.pem") + "  trust bundle of " + id.trustDomain());
        o.flush();
        return 0;
      } catch (IdentityException | IllegalArgumentException | java.io.IOException e) {
        err.println("cannot issue " + id + ": " + e.getMessage());
        return 1;
      }
    }
  }
}
