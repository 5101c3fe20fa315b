package dev.agentweave.mesh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.x509.DevCaIdentitySource;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.SpiffeTls;
import dev.agentweave.mesh.node.MeshNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import one.profiler.AsyncProfiler;
import org.HdrHistogram.Recorder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The cross-node load harness of the gateway issue: in one run, the same closed-loop and fixed-rate
 * load against (a) a bare Pekko HTTP pooled client calling a bare Pekko HTTP JSON echo without TLS,
 * (b) the same over mutual TLS set up as the gateway sets it up, and (c) {@code AgentRef.ask} from
 * one node to an agent on another node over mutual TLS through the pooled {@code GatewayClient},
 * with authorization and metrics on. Both on loopback, in this JVM. Every loop is bounded in time
 * and stops by itself.
 *
 * <p>Usage: {@code CrossNodeLoad [seconds per phase] [calls in flight] [rate per second] [phase]}.
 * With a fourth argument ({@code bare}, {@code bare-mtls} or {@code agentweave}) only that phase
 * runs, closed loop, four times over: the mode for profiling one path. With {@code
 * -Dagentweave.bench.flame=FILE} async-profiler samples CPU ({@code
 * -Dagentweave.bench.flame.event=alloc}: allocations) during the third round only (after two rounds
 * of warm-up) and writes a flame graph ({@code .html}) or collapsed stacks (any other name). Each
 * round of a phase alone also prints the bytes allocated per call, by both sides together.
 */
public final class CrossNodeLoad {
  /** The request and response of the echo. */
  public record Query(String query, int limit) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] BODY = "{\"query\":\"test query\",\"limit\":10}".getBytes();

  private CrossNodeLoad() {}

  /**
   * Runs the comparison and prints a Markdown table.
   *
   * @param args seconds per phase (default 20), calls in flight (64), rate for the latency phase
   *     (1000 per second), and optionally the one phase to run alone
   * @throws Exception if a part cannot start
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int connections = 32;

    // (a) bare Pekko HTTP: echo server and pooled client, plaintext.
    ActorSystem<Void> bare = ActorSystem.create(Behaviors.empty(), "bare");
    Materializer mat = Materializer.matFromSystem(bare);
    ServerBinding binding =
        Http.get(bare)
            .newServerAt("127.0.0.1", 0)
            .bind(echo(mat))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String echoUrl = "http://127.0.0.1:" + binding.localAddress().getPort() + "/echo";
    ConnectionPoolSettings pool =
        ConnectionPoolSettings.create(bare.classicSystem())
            .withMaxConnections(connections)
            .withMaxOpenRequests(1024);
    Http http = Http.get(bare);
    Supplier<CompletionStage<?>> bareCall =
        () -> post(http, echoUrl, http.defaultClientHttpsContext(), pool, mat);

    // (b) the same bare server and pooled client over mutual TLS, with the gateway's TLS setup
    // (SpiffeTls: TLS 1.3, client certificate required, SPIFFE IDs verified) and nothing else.
    Path dir = Files.createTempDirectory("agentweave-cross-node-load");
    TrustDomain domain = new TrustDomain("bench.local");
    DevCaIdentitySource bareIds =
        new DevCaIdentitySource(
            DevCertificateAuthority.openOrCreate(dir.resolve("ca"), domain),
            Duration.ofHours(1),
            0.5,
            List.of(),
            List.of());
    SpiffeTls tls = SpiffeTls.create(bareIds, domain, List.of(), "1.3", reason -> {});
    SSLContext serverTls = tls.serverContext(SpiffeId.parse("spiffe://bench.local/bare/server"));
    SSLContext clientTls =
        tls.clientContext(SpiffeId.parse("spiffe://bench.local/bare/client"), id -> true);
    ServerBinding tlsBinding =
        Http.get(bare)
            .newServerAt("127.0.0.1", 0)
            .enableHttps(
                ConnectionContext.httpsServer(
                    () -> tls.configureServer(serverTls.createSSLEngine())))
            .bind(echo(mat))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String tlsUrl = "https://127.0.0.1:" + tlsBinding.localAddress().getPort() + "/echo";
    HttpsConnectionContext clientHttps =
        ConnectionContext.httpsClient(
            (host, port) -> tls.configureClient(clientTls.createSSLEngine()));
    Supplier<CompletionStage<?>> tlsCall = () -> post(http, tlsUrl, clientHttps, pool, mat);

    // (c) AgentWeave: two nodes, mutual TLS, allow-list authorization, metrics on.
    MeshSettings serverSettings = settings("echo", dir, "server: {host: 127.0.0.1, port: 0}\n");
    MeshNode server =
        MeshNode.builder(serverSettings)
            .agent(
                Agent.of("echo")
                    .withCapability(Capability.of("echo", Query.class, Query.class, (c, q) -> q)))
            .start();
    Gateway gateway = server.component(Gateway.class).orElseThrow();
    MeshSettings clientSettings =
        settings(
            "client",
            dir,
            "server: {enabled: false}\n"
                + "transport:\n"
                + "  concurrency_limit: {max_in_flight: 4096}\n"
                + "  connection_pool: {max_connections: "
                + connections
                + "}\n"
                + "  peers:\n"
                + "    - {spiffe_id: \"spiffe://bench.local/agent/echo\", urls: [\""
                + gateway.url()
                + "\"]}\n");
    MeshNode client = MeshNode.builder(clientSettings).agent(Agent.of("client")).start();
    AgentRef ref = client.agent("client").ref("spiffe://bench.local/agent/echo");
    Query query = new Query("test query", 10);
    Supplier<CompletionStage<?>> secureCall = () -> ref.ask("echo", query, Query.class);

    try {
      if (args.length > 3) {
        Supplier<CompletionStage<?>> only =
            switch (args[3]) {
              case "bare" -> bareCall;
              case "bare-mtls" -> tlsCall;
              case "agentweave" -> secureCall;
              default ->
                  throw new IllegalArgumentException(
                      "phase must be bare, bare-mtls or agentweave, not " + args[3]);
            };
        String flame = System.getProperty("agentweave.bench.flame");
        for (int round = 0; round < 4; round++) {
          if (flame != null && round == 2) {
            String event = System.getProperty("agentweave.bench.flame.event", "cpu");
            AsyncProfiler.getInstance()
                .execute("start,event=" + event + (event.equals("cpu") ? ",interval=1ms" : ""));
          }
          long calls = COMPLETED.get();
          long bytes = allocatedBytes();
          closedLoop(args[3], only, inFlight, seconds);
          System.out.printf(
              Locale.ROOT,
              "%-11s allocated: %,.0f bytes per call (both nodes, all threads)%n",
              args[3],
              (allocatedBytes() - bytes) / (double) (COMPLETED.get() - calls));
          if (flame != null && round == 2) {
            String format = flame.endsWith(".html") ? "flamegraph" : "collapsed";
            AsyncProfiler.getInstance().execute("stop,file=" + flame + "," + format);
          }
        }
        return;
      }
      System.out.printf(
          Locale.ROOT,
          "# %d s per phase, %d calls in flight, %d connections, %d/s for latency%n",
          seconds,
          inFlight,
          connections,
          rate);
      System.out.println("# warm-up (not counted)");
      closedLoop("bare", bareCall, inFlight, seconds);
      closedLoop("bare-mtls", tlsCall, inFlight, seconds);
      closedLoop("agentweave", secureCall, inFlight, seconds);
      System.out.println("# measured");
      double[] bareRps = new double[2];
      double[] tlsRps = new double[2];
      double[] secureRps = new double[2];
      for (int round = 0; round < 2; round++) {
        bareRps[round] = closedLoop("bare", bareCall, inFlight, seconds);
        tlsRps[round] = closedLoop("bare-mtls", tlsCall, inFlight, seconds);
        secureRps[round] = closedLoop("agentweave", secureCall, inFlight, seconds);
      }
      Latency bareLat = fixedRate("bare", bareCall, rate, seconds);
      Latency tlsLat = fixedRate("bare-mtls", tlsCall, rate, seconds);
      Latency secureLat = fixedRate("agentweave", secureCall, rate, seconds);
      double b = mean(bareRps);
      double t = mean(tlsRps);
      double s = mean(secureRps);
      System.out.println();
      System.out.println(
          "| measure | bare Pekko HTTP (plaintext) | bare Pekko HTTP (mTLS)"
              + " | AgentRef.ask (mTLS, authz, metrics) | vs plaintext | vs bare mTLS |");
      System.out.println("|---|---|---|---|---|---|");
      System.out.printf(
          Locale.ROOT,
          "| requests/s, %d in flight (mean of 2 rounds) | %,.0f | %,.0f | %,.0f | %.0f%% | %.0f%% |%n",
          inFlight,
          b,
          t,
          s,
          100 * s / b,
          100 * s / t);
      System.out.printf(
          Locale.ROOT,
          "| p50 at %d/s | %.3f ms | %.3f ms | %.3f ms | %+.3f ms | %+.3f ms |%n",
          rate,
          bareLat.p50,
          tlsLat.p50,
          secureLat.p50,
          secureLat.p50 - bareLat.p50,
          secureLat.p50 - tlsLat.p50);
      System.out.printf(
          Locale.ROOT,
          "| p99 at %d/s | %.3f ms | %.3f ms | %.3f ms | %+.3f ms | %+.3f ms |%n",
          rate,
          bareLat.p99,
          tlsLat.p99,
          secureLat.p99,
          secureLat.p99 - bareLat.p99,
          secureLat.p99 - tlsLat.p99);
    } finally {
      client.close();
      server.close();
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      tlsBinding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      bareIds.close();
      bare.terminate();
      bare.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Calls completed by every loop, counted or not: what the allocation per call divides by. */
  private static final AtomicLong COMPLETED = new AtomicLong();

  /**
   * Bytes allocated so far by the JVM's live threads. A thread that ends between two readings takes
   * its count with it, so a difference is a lower bound; the pools' threads live through a round.
   */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, b);
    }
    return sum;
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(0);
  }

  /** The bare echo: reads the JSON body into a {@link Query} and writes it back. */
  private static org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>
      echo(Materializer mat) {
    return request ->
        request
            .entity()
            .toStrict(5_000, mat)
            .thenApply(
                strict -> {
                  try {
                    Query q = JSON.readValue(strict.getData().toArray(), Query.class);
                    return HttpResponse.create()
                        .withEntity(
                            HttpEntities.create(
                                ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(q)));
                  } catch (java.io.IOException e) {
                    return HttpResponse.create().withStatus(400);
                  }
                });
  }

  /** One call of the bare pooled client: POST the query, read the whole answer, expect 200. */
  private static CompletionStage<?> post(
      Http http,
      String url,
      HttpsConnectionContext https,
      ConnectionPoolSettings pool,
      Materializer mat) {
    return http.singleRequest(
            HttpRequest.POST(url)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, BODY)),
            https,
            pool,
            mat.system().log())
        .thenCompose(
            r ->
                r.entity()
                    .toStrict(5_000, mat)
                    .thenApply(
                        strict -> {
                          if (r.status().intValue() != 200) {
                            throw new IllegalStateException("bare echo: " + r.status());
                          }
                          return strict;
                        }));
  }

  private static MeshSettings settings(String name, Path dir, String extra) {
    return MeshSettings.parse(
        name,
        """
        agent: {name: %s, trust_domain: bench.local, environment: development}
        identity: {provider: dev-ca, dev_ca: {directory: "%s"}}
        authorization:
          provider: allow-list
          allow:
            - {caller: "spiffe://bench.local/agent/client", callee: "spiffe://bench.local/agent/echo", actions: [echo]}
        observability: {logging: {level: WARN}}
        %s
        """
            .formatted(name, dir.resolve("ca"), extra),
        Map.of());
  }

  /**
   * Keeps {@code inFlight} calls running for a warm-up of {@code seconds / 2} and then {@code
   * seconds}; answers completed calls per second in the measured part.
   */
  private static double closedLoop(
      String name, Supplier<CompletionStage<?>> call, int inFlight, int seconds) throws Exception {
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 2));
    long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong measured = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CompletableFuture<?>[] loops = new CompletableFuture<?>[inFlight];
    for (int i = 0; i < inFlight; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops[i] = done;
      next(call, warmEnd, end, measured, failed, done);
    }
    CompletableFuture.allOf(loops).get(seconds * 3L + 60, TimeUnit.SECONDS);
    double rps = measured.get() / (double) seconds;
    System.out.printf(
        Locale.ROOT, "%-11s closed loop: %,.0f requests/s, %d failed%n", name, rps, failed.get());
    return rps;
  }

  private static void next(
      Supplier<CompletionStage<?>> call,
      long warmEnd,
      long end,
      AtomicLong measured,
      AtomicLong failed,
      CompletableFuture<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete(null);
      return;
    }
    call.get()
        .whenComplete(
            (r, e) -> {
              long now = System.nanoTime();
              COMPLETED.incrementAndGet();
              if (e != null) {
                failed.incrementAndGet();
              } else if (now >= warmEnd && now < end) {
                measured.incrementAndGet();
              }
              next(call, warmEnd, end, measured, failed, done);
            });
  }

  private record Latency(double p50, double p99) {}

  /**
   * Sends {@code rate} calls per second for a warm-up and then {@code seconds}, each timed from the
   * moment it was due (so a stall counts against every call it delays).
   */
  private static Latency fixedRate(
      String name, Supplier<CompletionStage<?>> call, int rate, int seconds) throws Exception {
    Recorder recorder = new Recorder(3);
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long warmEnd = start + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 2));
    long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
    long total = (end - start) / interval;
    AtomicLong failed = new AtomicLong();
    java.util.concurrent.CountDownLatch finished =
        new java.util.concurrent.CountDownLatch((int) total);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    long[] n = {0};
    ticker.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          while (n[0] < total && start + n[0] * interval <= now) {
            long due = start + n[0] * interval;
            n[0]++;
            call.get()
                .whenComplete(
                    (r, e) -> {
                      long took = System.nanoTime() - due;
                      if (e != null) {
                        failed.incrementAndGet();
                      } else if (due >= warmEnd) {
                        recorder.recordValue(took);
                      }
                      finished.countDown();
                    });
          }
          if (n[0] >= total) {
            sent.complete(null);
          }
        },
        0,
        200,
        TimeUnit.MICROSECONDS);
    try {
      sent.get(seconds * 3L + 60, TimeUnit.SECONDS);
    } finally {
      ticker.shutdownNow();
    }
    finished.await(30, TimeUnit.SECONDS);
    var h = recorder.getIntervalHistogram();
    Latency l = new Latency(h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6);
    System.out.printf(
        Locale.ROOT,
        "%-11s %d/s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms over %d calls, %d failed%n",
        name,
        rate,
        l.p50,
        h.getValueAtPercentile(90) / 1e6,
        l.p99,
        h.getMaxValue() / 1e6,
        h.getTotalCount(),
        failed.get());
    return l;
  }
}
