package dev.agentweave.mesh.bench;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.http.Gateway;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import dev.agentweave.mesh.identity.x509.DevCertificateAuthority;
import dev.agentweave.mesh.identity.x509.IdentitySources;
import dev.agentweave.mesh.node.MeshNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.HdrHistogram.Recorder;

/**
 * The soak profile (not run in CI): a node with its mutual-TLS gateway under mixed load for {@code
 * minutes} (default 30) while its SVIDs rotate every minute (dev CA, 120 s lifetime, renewed at
 * half), the clients' certificates are re-issued every minute and the Cedar policy file is
 * rewritten every minute (a reload with a new version). Load: {@code POST /task} search and
 * process, {@code GET /whoami}, a {@code GET /metrics} scrape every 10 s, and local {@code
 * AgentRef.ask} calls. Every call must succeed; the heap after a full GC must stay flat (at most
 * 25% + 16 MiB above the first minute's). Prints one line a minute and a summary; exits 1 on a
 * failed call or growing memory.
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl mesh-benchmarks -am
 * java -Xmx512m -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 \
 *   -cp "mesh-benchmarks/target/mesh-benchmarks.jar:mesh-benchmarks/target/lib/*" \
 *   dev.agentweave.mesh.bench.Soak 30 16
 * </pre>
 */
public final class Soak {
  record Query(String query, int limit) {}

  record Hits(String query, List<String> hits) {}

  private Soak() {}

  /**
   * Runs the soak.
   *
   * @param args minutes (default 30), concurrent load loops (default 16)
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Path dir = Files.createTempDirectory("agentweave-soak");
    Path policy = dir.resolve("policy.cedar");
    writePolicy(policy, 0);
    MeshSettings settings =
        MeshSettings.parse(
            "soak",
            """
            agent: {name: search, trust_domain: example.org, environment: development}
            identity:
              provider: dev-ca
              dev_ca: {directory: "%s", svid_ttl_seconds: 120, renew_fraction: 0.5}
            authorization:
              provider: cedar
              cedar: {policy_file: "%s", reload_seconds: 1}
              audit: {enabled: true, destination: "file://%s",
                      rotation: {max_file_mb: 20, max_files: 3}}
            server: {host: 127.0.0.1, port: 0}
            """
                .formatted(dir.resolve("ca"), policy, dir.resolve("audit.log")),
            Map.of());
    Agent search =
        Agent.of("search")
            .withCapability(
                Capability.of(
                    "search",
                    Query.class,
                    Hits.class,
                    (ctx, q) -> new Hits(q.query(), List.of(q.query() + " 1", q.query() + " 2"))))
            .withCapability(
                Capability.of(
                    "process", Map.class, Map.class, (ctx, p) -> Map.of("fields", p.size())));
    Agent app = Agent.of("app");
    DevCertificateAuthority ca =
        DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("example.org"));
    try (IdentitySource identities = IdentitySources.fromSettings(settings);
        MeshNode node =
            MeshNode.builder(settings).agent(search).agent(app).identities(identities).start()) {
      Gateway gateway = node.component(Gateway.class).orElseThrow();
      AtomicReference<HttpClient> client = new AtomicReference<>(client(ca));
      AgentRef local = node.agent("app").ref("spiffe://example.org/agent/search");
      URI base = gateway.url();
      AtomicLong calls = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      Queue<String> failed = new ConcurrentLinkedQueue<>();
      Recorder latency = new Recorder(3);
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        loops.add(
            pool.submit(
                () -> {
                  for (long n = 0; n < 1_000_000_000L && System.nanoTime() < end; n++) {
                    long t0 = System.nanoTime();
                    String outcome;
                    try {
                      outcome = oneCall(client.get(), base, local);
                    } catch (Exception e) {
                      outcome = e.toString();
                    }
                    latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
                    calls.incrementAndGet();
                    if (outcome != null) {
                      failures.incrementAndGet();
                      if (failed.size() < 20) {
                        failed.add(outcome);
                      }
                    }
                  }
                }));
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long firstHeap = -1;
      long lastHeap = 0;
      long lastCalls = 0;
      String lastVersion =
          node.checkAuthorization(
                  SpiffeId.parse("spiffe://example.org/agent/x"),
                  SpiffeId.parse("spiffe://example.org/agent/search"),
                  "search")
              .toCompletableFuture()
              .join()
              .policyVersion();
      int versions = 1;
      System.out.printf(
          Locale.ROOT,
          "soak: %d minutes, %d concurrent loops, node %s%n",
          minutes,
          concurrency,
          base);
      for (int minute = 1; minute <= minutes; minute++) {
        for (int tick = 0; tick < 6; tick++) { // a scrape every 10 s
          TimeUnit.SECONDS.sleep(10);
          HttpResponse<String> scrape =
              prometheus(ca)
                  .send(
                      HttpRequest.newBuilder(base.resolve("/metrics"))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
          calls.incrementAndGet();
          if (scrape.statusCode() != 200) {
            failures.incrementAndGet();
            failed.add("metrics " + scrape.statusCode());
          }
        }
        writePolicy(policy, minute); // same rules, new text: a reload and a new version
        client.set(client(ca)); // clients rotate their certificates too
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        if (minute == 2) {
          firstHeap = heap;
        }
        lastHeap = heap;
        String version =
            node.checkAuthorization(
                    SpiffeId.parse("spiffe://example.org/agent/x"),
                    SpiffeId.parse("spiffe://example.org/agent/search"),
                    "search")
                .toCompletableFuture()
                .join()
                .policyVersion();
        if (!version.equals(lastVersion)) {
          versions++;
          lastVersion = version;
        }
        var h = latency.getIntervalHistogram();
        long c = calls.get();
        System.out.printf(
            Locale.ROOT,
            "minute %2d: %7d calls (%5.0f/s), %d failed, p50 %.2f ms, p99 %.2f ms, heap after GC"
                + " %.1f MiB, policy %s, gateway SVID serial %s%n",
            minute,
            c - lastCalls,
            (c - lastCalls) / 60.0,
            failures.get(),
            h.getValueAtPercentile(50) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0,
            heap / 1048576.0,
            version,
            identities
                .svid(SpiffeId.parse("spiffe://example.org/agent/search"))
                .leaf()
                .getSerialNumber()
                .toString(16));
        lastCalls = c;
      }
      for (Future<?> f : loops) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      boolean flat = firstHeap < 0 || lastHeap <= firstHeap * 1.25 + 16 * 1048576;
      System.out.printf(
          Locale.ROOT,
          "soak: %d calls, %d failed, %d policy versions, heap after GC %.1f MiB (minute 2) ->"
              + " %.1f MiB (minute %d): %s%n",
          calls.get(),
          failures.get(),
          versions,
          firstHeap / 1048576.0,
          lastHeap / 1048576.0,
          minutes,
          flat ? "flat" : "GROWING");
      failed.forEach(f -> System.out.println("failed: " + f));
      if (failures.get() > 0 || !flat) {
        System.exit(1);
      }
    }
    System.exit(0);
  }

  /** One call of the mix; null when it succeeded, else what went wrong. */
  private static String oneCall(HttpClient http, URI base, AgentRef local) throws Exception {
    int pick = ThreadLocalRandom.current().nextInt(100);
    if (pick < 20) {
      Hits hits =
          local
              .ask("search", new Query("local", 2), Hits.class)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return hits.hits().size() == 2 ? null : "local search answered " + hits;
    }
    HttpRequest request;
    if (pick < 70) {
      request = post(base, "{\"action\":\"search\",\"query\":\"soak\",\"limit\":5}");
    } else if (pick < 90) {
      request = post(base, "{\"action\":\"process\",\"data\":{\"k\":\"v\"}}");
    } else {
      request =
          HttpRequest.newBuilder(base.resolve("/whoami")).timeout(Duration.ofSeconds(10)).build();
    }
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200
        ? null
        : request.uri().getPath() + " " + r.statusCode() + " " + r.body();
  }

  private static HttpRequest post(URI base, String body) {
    return HttpRequest.newBuilder(base.resolve("/task"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void writePolicy(Path file, int generation) throws java.io.IOException {
    Path tmp = file.resolveSibling("policy.cedar.tmp");
    Files.writeString(
        tmp,
        "// generation "
            + generation
            + "\n"
            + "permit(principal, action in [Action::\"search\", Action::\"process\"],"
            + " resource == Agent::\"spiffe://example.org/agent/search\");\n"
            + "permit(principal == Agent::\"spiffe://example.org/agent/prometheus\","
            + " action == Action::\"metrics\","
            + " resource == Agent::\"spiffe://example.org/agent/search\");\n");
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static HttpClient client(DevCertificateAuthority ca) throws Exception {
    return https(ca, "spiffe://example.org/agent/orchestrator");
  }

  private static volatile HttpClient prometheus;

  private static HttpClient prometheus(DevCertificateAuthority ca) throws Exception {
    if (prometheus == null) {
      prometheus = https(ca, "spiffe://example.org/agent/prometheus");
    }
    return prometheus;
  }

  private static HttpClient https(DevCertificateAuthority ca, String id) throws Exception {
    X509Svid svid = ca.issue(SpiffeId.parse(id), Duration.ofMinutes(5), List.of());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "k", svid.privateKey(), "pw".toCharArray(), svid.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "pw".toCharArray());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLParameters params = new SSLParameters();
    params.setProtocols(new String[] {"TLSv1.3"});
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(ctx)
        .sslParameters(params)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
