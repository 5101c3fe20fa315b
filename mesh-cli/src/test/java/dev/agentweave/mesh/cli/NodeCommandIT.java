package dev.agentweave.mesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentweave.mesh.testkit.NodeProcess;
import dev.agentweave.mesh.testkit.Ports;
import dev.agentweave.mesh.testkit.TlsClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agentweave node` as a separate process: ready line, an mTLS call, drain and exit on SIGTERM. */
class NodeCommandIT {
  @TempDir Path dir;

  @Test
  void node_printsReady_servesMutualTls_andStopsOnSigterm() throws Exception {
    Path config = SampleNodeConfigs.searchNode(dir, 0, "graceful_shutdown_seconds: 5");
    CliTest.Run issued =
        CliTest.run(
            "ca",
            "issue",
            "--spiffe-id",
            "spiffe://example.org/agent/tester",
            "--out",
            dir.resolve("tester").toString(),
            "--config",
            config.toString());
    assertThat(issued.code()).as(issued.err()).isZero();
    assertThat(issued.out()).contains("issued spiffe://example.org/agent/tester");

    NodeProcess p = NodeProcess.builder(dir, "node").config(config).start();
    try {
      URI url = p.awaitReady(Duration.ofSeconds(60)).orElseThrow();
      assertThat(url.toString()).matches("https://127\\.0\\.0\\.1:\\d+");

      HttpResponse<String> r = whoami(url, dir.resolve("tester"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"spiffe_id\":\"spiffe://example.org/agent/tester\"}");

      // The performance guide's load-test payloads, with curl, as the README shows.
      Path creds = dir.resolve("tester");
      String search =
          curl(creds, url, "{\"action\":\"search\",\"query\":\"test query\",\"limit\":10}");
      assertThat(search)
          .startsWith("200 ")
          .contains("\"query\":\"test query\"")
          .contains("Test query planning and execution");
      String process = curl(creds, url, "{\"action\":\"process\",\"data\":{\"key\":\"value\"}}");
      assertThat(process).startsWith("200 ").contains("\"fields\":1");
      String unknown = curl(creds, url, "{\"action\":\"nope\"}");
      assertThat(unknown).startsWith("403 ").contains("\"code\":\"permission_denied\"");
      // server.agents hosts only search: the batch agent, which the policy lets any example.org
      // agent call, is not here.
      String batch = curl(creds, url, "/agents/batch/task", "{\"action\":\"batch_process\"}");
      assertThat(batch).startsWith("404 ").contains("not hosted");

      // An authenticated round trip with its latency, as the node's own default agent.
      CliTest.Run ping =
          CliTest.run("ping", url.toString(), "--config", config.toString(), "--count", "2");
      assertThat(ping.code()).as(ping.out() + ping.err()).isZero();
      assertThat(ping.out())
          .contains("1: spiffe://example.org/agent/search answered " + url)
          .contains("2: ")
          .containsPattern("in \\d+\\.\\d\\d ms");

      // SIGTERM to the process this test started.
      p.terminate();
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGTERM").isZero();
      assertThat(p.log()).contains("stopped").doesNotContain("Exception");
    } finally {
      p.close();
    }
  }

  @Test
  void sigtermUnderLoad_answersEveryRequestSent_drainsAndExitsZero() throws Exception {
    int port = Ports.freeLoopbackPort();
    Path config =
        SampleNodeConfigs.searchNode(dir, port, "graceful_shutdown_seconds: 10", "tester");
    Path creds = dir.resolve("tester");
    NodeProcess p = NodeProcess.builder(dir, "node").config(config).start();
    java.util.concurrent.ExecutorService load =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      URI url = URI.create("https://127.0.0.1:" + port);
      HttpClient http = client(creds);
      org.awaitility.Awaitility.await()
          .atMost(90, TimeUnit.SECONDS)
          .ignoreExceptions()
          .until(() -> whoami(url, creds).statusCode() == 200);
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger ok =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger refused503 =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger notConnected =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.Queue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
      HttpRequest search =
          HttpRequest.newBuilder(url.resolve("/task"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"action\":\"search\",\"query\":\"pekko\",\"limit\":5}"))
              .build();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      List<java.util.concurrent.Future<?>> loops = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        loops.add(
            load.submit(
                () -> {
                  for (int n = 0; n < 100_000 && !stop.get() && System.nanoTime() < until; n++) {
                    try {
                      HttpResponse<String> r =
                          http.send(search, HttpResponse.BodyHandlers.ofString());
                      if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                      } else if (r.statusCode() == 503
                          && r.headers().firstValue("Retry-After").isPresent()) {
                        refused503.incrementAndGet();
                      } else {
                        wrong.add(r.statusCode() + " " + r.body());
                      }
                    } catch (java.net.ConnectException e) {
                      notConnected.incrementAndGet(); // the port is released: nothing was sent
                      if (p.isAlive()) {
                        try {
                          Thread.sleep(20);
                        } catch (InterruptedException ie) {
                          return;
                        }
                      } else {
                        return;
                      }
                    } catch (Exception e) {
                      wrong.add(e.toString());
                    }
                  }
                }));
      }
      org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> ok.get() > 2_000);
      // a request whose headers and part of its body were sent before the signal
      javax.net.ssl.SSLSocket half =
          (javax.net.ssl.SSLSocket) tls(creds).getSocketFactory().createSocket("127.0.0.1", port);
      half.setSoTimeout(30_000);
      half.startHandshake();
      String body = "{\"action\":\"search\",\"query\":\"pekko\",\"limit\":5}";
      java.io.OutputStream halfOut = half.getOutputStream();
      halfOut.write(
          ("POST /task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, 10))
              .getBytes(StandardCharsets.US_ASCII));
      halfOut.flush();
      int okBefore = ok.get();

      p.terminate();
      halfOut.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
      halfOut.flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(half.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(statusLine)
          .as("the half-sent request is answered")
          .matches("HTTP/1.1 (200|503) .*");
      half.close();

      int exit = p.awaitExit(Duration.ofSeconds(60));
      stop.set(true);
      for (var f : loops) {
        f.get(60, TimeUnit.SECONDS);
      }
      String log = p.log();
      assertThat(exit).as("exit status after SIGTERM; log:%n%s", log).isZero();
      assertThat(wrong).as("answers other than 200 and 503 with Retry-After").isEmpty();
      assertThat(ok.get()).isGreaterThan(okBefore);
      assertThat(notConnected.get()).as("calls after the port was released").isPositive();
      assertThat(log).contains("stopping on SIGTERM", "stopped").doesNotContain("Exception");
    } finally {
      load.shutdownNow();
      p.close();
      p.keepLog(NodeCommandIT.class);
    }
  }

  /** POST /task with curl; answers "<status> <body>". */
  private static String curl(Path creds, URI url, String body) throws Exception {
    return curl(creds, url, "/task", body);
  }

  /** POST to a path with curl; answers "<status> <body>". */
  private static String curl(Path creds, URI url, String path, String body) throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--cert",
                creds.resolve("svid.pem").toString(),
                "--key",
                creds.resolve("svid.key").toString(),
                "--cacert",
                creds.resolve("bundle.pem").toString(),
                "-H",
                "Content-Type: application/json",
                "-d",
                body,
                "-w",
                "\n%{http_code}",
                "https://localhost:" + url.getPort() + path)
            .redirectErrorStream(true)
            .start();
    curl.getOutputStream().close();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(curl.exitValue()).as(out).isZero();
    int nl = out.lastIndexOf('\n');
    return out.substring(nl + 1) + " " + out.substring(0, Math.max(0, nl));
  }

  private static HttpResponse<String> whoami(URI url, Path creds) throws Exception {
    HttpClient http = client(creds);
    return http.send(
        HttpRequest.newBuilder(url.resolve("/whoami")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpClient client(Path creds) throws Exception {
    return TlsClients.http11(TlsClients.fromPemDirectory(creds));
  }

  private static SSLContext tls(Path creds) throws Exception {
    return TlsClients.fromPemDirectory(creds);
  }
}
