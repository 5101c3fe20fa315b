package dev.agentweave.mesh.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.AuthorizationSettings.AuditRotation;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();
  static final SpiffeId A = SpiffeId.parse("spiffe://test.local/agent/a");
  static final SpiffeId B = SpiffeId.parse("spiffe://test.local/agent/b");

  static AuditLog.Record record(long id, String action) {
    return new AuditLog.Record(
        System.currentTimeMillis(), 0, id, "inbound", A, B, action, true, "ok", "v1", false, 10);
  }

  static List<String> allLines(Path file) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Path p : RotatingFile.rotated(file)) {
      lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
    }
    if (Files.exists(file)) {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    return lines;
  }

  @Test
  void rotationBySize_losesNoRecord_andKeepsEveryFileUnderItsSize() throws Exception {
    Path file = dir.resolve("audit.log");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AuditLog log =
        AuditLog.open(
            "file://" + file,
            new AuditRotation(16 * 1024, Duration.ofHours(1), 10_000),
            TestMetrics.of(registry));
    int threads = 4;
    int each = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    AtomicLong ids = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  log.record(record(ids.incrementAndGet(), "search"));
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    log.close();
    assertThat(log.dropped()).isZero();
    List<String> lines = allLines(file);
    assertThat(lines).hasSize(threads * each);
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      assertThat(seen.add(n.get("decision_id").asText())).isTrue();
    }
    List<Path> rotated = RotatingFile.rotated(file);
    assertThat(rotated.size()).isGreaterThan(50);
    for (Path p : rotated) {
      assertThat(Files.size(p)).isLessThanOrEqualTo(16 * 1024);
    }
    assertThat(registry.find("audit.files.rotated").counter().count()).isEqualTo(rotated.size());
  }

  @Test
  void retention_keepsTheNewestRotatedFiles() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log =
        AuditLog.open(
            "file://" + file,
            new AuditRotation(2 * 1024, Duration.ofHours(1), 3),
            TestMetrics.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    for (int i = 0; i < 500; i++) {
      log.record(record(i, "search"));
    }
    log.close();
    List<Path> rotated = RotatingFile.rotated(file);
    assertThat(rotated).hasSize(3);
    // the newest are kept: the last record is in the current file or the newest rotated one
    List<String> kept = allLines(file);
    String lastId = "0".repeat(16) + String.format("%016x", 499);
    assertThat(kept.get(kept.size() - 1)).contains("\"decision_id\":\"" + lastId + "\"");
    assertThat(kept.size()).isLessThan(500);
  }

  @Test
  void rotationByAge_startsANewFileOnceTheOldIsTooOld() throws Exception {
    Path file = dir.resolve("age.log");
    MutableClock clock = new MutableClock();
    AtomicLong rotations = new AtomicLong();
    try (RotatingFile f =
        new RotatingFile(
            file,
            new AuditRotation(1 << 20, Duration.ofMinutes(60), 10),
            clock,
            rotations::incrementAndGet)) {
      line(f, "one");
      clock.advance(Duration.ofMinutes(59));
      line(f, "two");
      clock.advance(Duration.ofMinutes(2));
      line(f, "three");
    }
    assertThat(rotations.get()).isEqualTo(1);
    List<Path> rotated = RotatingFile.rotated(file);
    assertThat(rotated).hasSize(1);
    assertThat(Files.readAllLines(rotated.get(0))).containsExactly("one", "two");
    assertThat(Files.readAllLines(file)).containsExactly("three");
  }

  private static void line(RotatingFile f, String text) throws Exception {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    f.writeLine(b, b.length);
  }

  @Test
  void lines_carryEveryFieldAndTheExactTime_acrossSecondsAndWithOneReusedBuffer() throws Exception {
    AuditLine encoder = new AuditLine();
    long[] times = {
      Instant.parse("2026-12-07T23:59:59.999Z").toEpochMilli(),
      Instant.parse("2026-12-08T00:00:00Z").toEpochMilli(),
      Instant.parse("2026-12-08T00:00:00.007Z").toEpochMilli(),
      0L,
      Instant.parse("1969-12-31T23:59:59.500Z").toEpochMilli()
    };
    for (int i = 0; i < times.length; i++) {
      long high = 0xfedcba9876543210L + i;
      long low = -1L - i;
      AuditLog.Record r =
          new AuditLog.Record(
              times[i],
              high,
              low,
              "outbound",
              A,
              B,
              "act\"" + i,
              i % 2 == 0,
              "why\n" + i,
              "cedar:" + i,
              i % 2 == 1,
              12_345L * i);
      int len = encoder.encode(r);
      String text = new String(encoder.bytes(), 0, len, StandardCharsets.UTF_8);
      assertThat(text).endsWith("}\n").doesNotStartWith(" ");
      assertThat(text.indexOf('\n')).isEqualTo(len - 1);
      JsonNode n = JSON.readTree(text);
      assertThat(Instant.parse(n.get("timestamp").asText()).toEpochMilli()).isEqualTo(times[i]);
      assertThat(n.get("decision_id").asText())
          .isEqualTo(dev.agentweave.mesh.spi.AuthzDecision.decisionId(high, low));
      assertThat(n.get("direction").asText()).isEqualTo("outbound");
      assertThat(n.get("caller").asText()).isEqualTo(A.toString());
      assertThat(n.get("callee").asText()).isEqualTo(B.toString());
      assertThat(n.get("action").asText()).isEqualTo("act\"" + i);
      assertThat(n.get("allowed").asBoolean()).isEqualTo(i % 2 == 0);
      assertThat(n.get("reason").asText()).isEqualTo("why\n" + i);
      assertThat(n.get("policy_version").asText()).isEqualTo("cedar:" + i);
      assertThat(n.get("cache_hit").asBoolean()).isEqualTo(i % 2 == 1);
      assertThat(n.get("evaluation_us").asLong()).isEqualTo(12_345L * i / 1_000);
      assertThat(n.size()).isEqualTo(11);
    }
  }

  @Test
  void callerChosenStrings_areCutInTheRecord() throws Exception {
    Path file = dir.resolve("cut.log");
    AuditLog log =
        AuditLog.open(
            "file://" + file,
            TestMetrics.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    log.record(record(1, "x".repeat(1_000_000)));
    log.close();
    String line = Files.readString(file);
    assertThat(line.length()).isLessThan(2_000);
    assertThat(JSON.readTree(line).get("action").asText()).endsWith("...[+999488 chars]");
  }

  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-02T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
