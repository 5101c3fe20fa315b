package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.config.TransportSettings;
import dev.agentweave.mesh.http.config.PooledClientSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentweave ping TARGET}: an authenticated round trip to a gateway, as the config's default
 * agent, with the latency of each.
 */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    description =
        "Make mutual-TLS round trips to a gateway (GET /whoami) as the config's default agent and"
            + " print who answered and how long each took. TARGET is a gateway URL"
            + " (https://host:port) or the SPIFFE ID of an agent in transport.peers. Exit 0 when"
            + " every round trip succeeded, 1 when one failed, 2 on a usage or config error.")
final class PingCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "TARGET", description = "A gateway URL or a SPIFFE ID.")
  String target;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/node.yaml",
      description = "The node config whose identity to use (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = {"-c", "--count"},
      paramLabel = "N",
      defaultValue = "3",
      description = "Round trips (default: ${DEFAULT-VALUE}).")
  int count;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (count < 1 || count > 1000) {
      err.println("--count: " + count + " (expected: 1..1000)");
      err.flush();
      return 2;
    }
    MeshSettings settings;
    try {
      settings = MeshSettings.load(config);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    URI url;
    try {
      url = resolve(target, settings);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
    SpiffeId self = SpiffeId.forAgent(settings.agent().trustDomain(), settings.agent().name());
    IdentitySource identities;
    try {
      identities = IdentitySources.fromSettings(settings);
    } catch (IdentityException e) {
      err.println("identity: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      HttpClient http = mtlsClient(settings, identities, self, err);
      int failed = 0;
      for (int i = 1; i <= count; i++) {
        long start = System.nanoTime();
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(url.resolve("/whoami"))
                      .timeout(Duration.ofSeconds(10))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          double ms = (System.nanoTime() - start) / 1e6;
          Optional<SpiffeId> server = r.sslSession().flatMap(SpiffeTls::peer);
          if (r.statusCode() != 200) {
            failed++;
            out.printf(Locale.ROOT, "%d: HTTP %d from %s: %s%n", i, r.statusCode(), url, r.body());
          } else {
            out.printf(
                Locale.ROOT,
                "%d: %s answered %s as %s in %.2f ms%n",
                i,
                server.map(SpiffeId::toString).orElse("?"),
                url,
                self,
                ms);
          }
        } catch (java.io.IOException e) {
          failed++;
          out.printf(Locale.ROOT, "%d: %s unreachable: %s%n", i, url, describe(e));
        }
        out.flush();
      }
      return failed == 0 ? 0 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      identities.close();
    }
  }

  /**
   * An HTTP/1.1 client with the config's TLS setup that presents {@code self}'s SVID: how the
   * command line's tools reach a gateway.
   */
  static HttpClient mtlsClient(
      MeshSettings settings, IdentitySource identities, SpiffeId self, PrintWriter err) {
    SpiffeTls tls =
        IdentitySources.tls(identities, settings, reason -> err.println("refused: " + reason));
    SSLContext context = tls.clientContext(self, id -> true);
    SSLParameters params = new SSLParameters();
    params.setProtocols(
        settings.transport().tlsMinVersion().equals("1.2")
            ? new String[] {"TLSv1.3", "TLSv1.2"}
            : new String[] {"TLSv1.3"});
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(context)
        .sslParameters(params)
        .connectTimeout(
            settings.section(PooledClientSettings.class).connectionPool().connectTimeout())
        .build();
  }

  static URI resolve(String target, MeshSettings settings) {
    if (target.startsWith("https://")) {
      return URI.create(target);
    }
    if (target.startsWith("http://")) {
      throw new IllegalArgumentException(
          "TARGET " + target + ": gateways speak TLS only (expected: https://host:port)");
    }
    if (target.startsWith("spiffe://")) {
      SpiffeId id = SpiffeId.parse(target);
      for (TransportSettings.PeerSettings p : settings.transport().peers()) {
        if (p.spiffeId().equals(id)) {
          List<URI> urls = p.urls();
          if (urls.isEmpty()) {
            break;
          }
          return urls.get(0);
        }
      }
      throw new IllegalArgumentException(
          "TARGET " + target + ": not in transport.peers of the config (add its gateway URLs)");
    }
    throw new IllegalArgumentException(
        "TARGET " + target + " (expected: https://host:port or spiffe://trust-domain/path)");
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m != null ? " (" + m + ")" : "");
  }
}
