package dev.agentweave.mesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.FilesIdentitySource;
import dev.agentweave.mesh.identity.x509.Pem;
import dev.agentweave.mesh.identity.x509.SpiffeCertificates;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.samples.SearchAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;

/**
 * The baseline of issue 13's {@code POST /task} bar: a bare Pekko HTTP server with Jackson, without
 * TLS, authorization, audit or metrics, answering {@code POST /task} with the sample search agent's
 * own search ({@link SearchAgent#search}), so that it does the same work per request as the gateway
 * minus the framework. Run it with {@code java -cp mesh-benchmarks/target/benchmarks.jar
 * dev.agentweave.mesh.bench.BareServer PORT}; it prints {@code ready http://127.0.0.1:PORT} and
 * serves until killed.
 *
 * <p>With {@code PORT SVID_PEM KEY_PEM BUNDLE_PEM} it serves HTTPS instead, with the gateway's TLS:
 * the JDK's engine, a client certificate required and verified as a SPIFFE ID of the bundle's trust
 * domain ({@link SpiffeTls}). That variant measures what TLS alone costs a bare Pekko HTTP server,
 * the largest part of the gap between it and the gateway (docs/benchmarks.md).
 */
public final class BareServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BareServer() {}

  /**
   * Serves on 127.0.0.1.
   *
   * @param args the port (0 picks one), then optionally the server's SVID chain, its key and the
   *     trust bundle, all PEM, to serve HTTPS with client certificates
   * @throws Exception if the port cannot be bound
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    ActorSystem system =
        ActorSystem.create(
            "bare",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    Materializer mat = Materializer.matFromSystem(system);
    var server = Http.get(system).newServerAt("127.0.0.1", port);
    String scheme = "http";
    if (args.length == 4) {
      server = server.enableHttps(https(Path.of(args[1]), Path.of(args[2]), Path.of(args[3])));
      scheme = "https";
    }
    ServerBinding binding =
        server
            .bind(
                (org.apache.pekko.japi.function.Function<
                        HttpRequest, CompletionStage<HttpResponse>>)
                    request -> answer(request, mat, system.dispatcher()))
            .toCompletableFuture()
            .get();
    System.out.println("ready " + scheme + "://127.0.0.1:" + binding.localAddress().getPort());
    System.out.flush();
    system.getWhenTerminated().toCompletableFuture().get();
  }

  private static HttpsConnectionContext https(Path svid, Path key, Path bundle) throws Exception {
    if (Boolean.getBoolean("bare.conscrypt")) {
      java.security.Security.insertProviderAt(org.conscrypt.Conscrypt.newProvider(), 1);
    }
    SpiffeId self = SpiffeCertificates.spiffeId(Pem.readCertificates(svid).get(0));
    TrustDomain domain = new TrustDomain(self.trustDomain());
    FilesIdentitySource source =
        new FilesIdentitySource(
            List.of(new FilesIdentitySource.SvidFiles(svid, key)),
            List.of(new FilesIdentitySource.BundleFile(domain, bundle)),
            Duration.ofSeconds(60));
    SpiffeTls tls = SpiffeTls.create(source, domain, List.of(), "1.2", reason -> {});
    SSLContext context = tls.serverContext(self);
    System.out.println("tls " + context.getProvider().getName());
    return ConnectionContext.httpsServer(() -> tls.configureServer(context.createSSLEngine()));
  }

  private static CompletionStage<HttpResponse> answer(
      HttpRequest request, Materializer mat, Executor executor) {
    if (!request.getUri().path().equals("/task")) {
      request.discardEntityBytes(mat);
      return CompletableFuture.completedFuture(HttpResponse.create().withStatus(404));
    }
    return request
        .entity()
        .toStrict(5_000, mat)
        // Pekko's CompletionStage runs thenApply asynchronously on the common pool, which on a
        // machine of one or two cores starts a thread per task; the actor system's dispatcher is
        // what a Pekko HTTP service would run this on.
        .thenApplyAsync(
            strict -> {
              try {
                JsonNode body = JSON.readTree(strict.getData().toArray());
                if (!"search".equals(body.path("action").asText())) {
                  return HttpResponse.create().withStatus(404);
                }
                SearchAgent.SearchResult result =
                    SearchAgent.search(
                        new SearchAgent.SearchRequest(
                            body.path("query").asText(), body.path("limit").asInt()));
                return HttpResponse.create()
                    .withEntity(
                        HttpEntities.create(
                            ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(result)));
              } catch (java.io.IOException | RuntimeException e) {
                return HttpResponse.create().withStatus(400);
              }
            },
            executor);
  }
}
