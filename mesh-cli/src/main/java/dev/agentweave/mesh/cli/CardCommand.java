package dev.agentweave.mesh.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.a2a.card.CardSignatures;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agentweave card}: A2A agent cards, shown and verified. */
@Command(
    name = "card",
    mixinStandardHelpOptions = true,
    description = "A2A agent cards: show one, verify its signature.",
    subcommands = {CardCommand.Show.class, CardCommand.Verify.class})
final class CardCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Where a card comes from and how it is fetched; shared by show and verify. */
  static final class Source {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        defaultValue = "config/node.yaml",
        description =
            "The node config whose identity fetches the card (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
        names = "--a2a-version",
        paramLabel = "V",
        defaultValue = "1.0",
        description = "The card's shape: 1.0 or 0.3 (default: ${DEFAULT-VALUE}).")
    String version;

    /**
     * The card of TARGET: a file, a card URL, a gateway URL (its default agent) or the name of an
     * agent on the config's gateway ({@code https://localhost:<server.port>}).
     */
    JsonNode read(String target, PrintWriter err) throws Failure {
      if (!version.equals("1.0") && !version.equals("0.3")) {
        throw new Failure(2, "--a2a-version: '" + version + "' (expected: 1.0 or 0.3)");
      }
      Path file = Path.of(target);
      if (!target.startsWith("https://") && Files.isRegularFile(file)) {
        try {
          return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
          throw new Failure(1, target + ": not a JSON card (" + e.getMessage() + ")");
        }
      }
      MeshSettings settings;
      try {
        settings = MeshSettings.load(config);
      } catch (ConfigException e) {
        throw new Failure(2, e.getMessage());
      }
      URI url = url(target, settings);
      SpiffeId self = SpiffeId.forAgent(settings.agent().trustDomain(), settings.agent().name());
      try (IdentitySource identities = IdentitySources.fromSettings(settings)) {
        HttpClient http = PingCommand.mtlsClient(settings, identities, self, err);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(url)
                    .header("A2A-Version", version)
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new Failure(1, "HTTP " + r.statusCode() + " from " + url + ": " + r.body());
        }
        return JSON.readTree(r.body());
      } catch (Failure f) {
        throw f;
      } catch (IdentityException e) {
        throw new Failure(2, "identity: " + e.getMessage());
      } catch (IOException e) {
        throw new Failure(1, url + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure(1, "interrupted");
      } catch (Exception e) {
        throw new Failure(1, url + ": " + e.getMessage());
      }
    }

    private static URI url(String target, MeshSettings settings) throws Failure {
      if (target.startsWith("https://")) {
        URI u = URI.create(target);
        return u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")
            ? u.resolve("/.well-known/agent-card.json")
            : u;
      }
      if (target.matches("[a-z][a-z0-9-]{0,62}")) {
        int port = settings.section(dev.agentweave.mesh.http.config.GatewaySettings.class).port();
        return URI.create(
            "https://localhost:" + port + "/agents/" + target + "/.well-known/agent-card.json");
      }
      throw new Failure(
          2,
          "TARGET "
              + target
              + " (expected: a card file, https://host:port[/path], or an agent name)");
    }
  }

  /** A command's outcome other than success: its exit code and what to print. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Failure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** Prints a card. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Print an agent card. TARGET is a gateway URL (its default agent), a card URL, an agent"
              + " name on the config's gateway, or a file. Exit 0 when printed, 1 when it could"
              + " not be fetched, 2 on a usage or config error.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "Where the card is.")
    String target;

    @CommandLine.Mixin Source source = new Source();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        JsonNode card = source.read(target, err);
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(card));
        out.flush();
        return 0;
      } catch (Failure f) {
        err.println(f.getMessage());
        err.flush();
        return f.code;
      }
    }
  }

  /** Verifies a card's signature. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Verify an agent card's signature against a trust bundle (through the certificate chain"
              + " in the signature's x5c) or a public key. Exit 0 when a signature verifies, 1"
              + " when none does, 2 on a usage error.")
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "Where the card is.")
    String target;

    @Option(
        names = "--bundle",
        paramLabel = "PEM",
        description = "Trusted CA certificates (a trust bundle).")
    Path bundle;

    @Option(
        names = "--key",
        paramLabel = "PEM",
        description = "The signer's certificate, whose public key verifies.")
    Path key;

    @CommandLine.Mixin Source source = new Source();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if ((bundle == null) == (key == null)) {
        err.println("give one of --bundle PEM or --key PEM");
        err.flush();
        return 2;
      }
      try {
        JsonNode card = source.read(target, err);
        if (!card.path("signatures").isArray() || card.path("signatures").isEmpty()) {
          throw new Failure(1, "the card has no signatures");
        }
        List<X509Certificate> certs;
        try {
          certs = Pem.readCertificates(bundle != null ? bundle : key);
        } catch (RuntimeException e) {
          throw new Failure(2, (bundle != null ? bundle : key) + ": " + e.getMessage());
        }
        String name = card.path("name").asText("?");
        if (bundle != null) {
          Optional<String> signer = CardSignatures.verify(card, certs);
          if (signer.isEmpty()) {
            throw new Failure(
                1,
                "NOT VERIFIED: no signature of '" + name + "' chains to the bundle and verifies");
          }
          out.println("VERIFIED: card '" + name + "' signed by " + signer.get());
        } else {
          PublicKey k = certs.get(0).getPublicKey();
          if (!CardSignatures.verify(card, k)) {
            throw new Failure(
                1, "NOT VERIFIED: no signature of '" + name + "' verifies with " + key);
          }
          out.println("VERIFIED: card '" + name + "' signed with the key of " + key);
        }
        out.flush();
        return 0;
      } catch (Failure f) {
        err.println(f.getMessage());
        err.flush();
        return f.code;
      }
    }
  }
}
