package dev.agentweave.mesh.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load engine against in-process targets whose answers the test decides. */
class LoadRunTest {
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    clock.shutdownNow();
  }

  /** Answers each request after a delay chosen from its send time, with an outcome by seq. */
  private final class Fake implements LoadTarget {
    final long start = System.nanoTime();
    final LongFunction<Long> delayNanos;
    final LongFunction<Outcome> outcome;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    Fake(LongFunction<Long> delayNanos, LongFunction<Outcome> outcome) {
      this.delayNanos = delayNanos;
      this.outcome = outcome;
    }

    @Override
    public CompletableFuture<Outcome> send(long seq) {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      CompletableFuture<Outcome> f = new CompletableFuture<>();
      long delay = delayNanos.apply(System.nanoTime() - start);
      clock.schedule(
          () -> {
            inFlight.decrementAndGet();
            f.complete(outcome.apply(seq));
          },
          delay,
          TimeUnit.NANOSECONDS);
      return f;
    }

    @Override
    public String describe() {
      return "fake";
    }

    @Override
    public String protocol() {
      return "test";
    }

    @Override
    public void close() {}
  }

  private static LoadRun.Plan closed(int c, Duration d, long max) {
    return new LoadRun.Plan(c, 0, Duration.ofMillis(200), d, max, 0);
  }

  @Test
  void closedLoop_keepsTheConcurrency_andStopsAtTheCountBound() throws Exception {
    Fake fake = new Fake(t -> 1_000_000L, seq -> LoadTarget.Outcome.OK);
    LoadRun.Result r = LoadRun.run(fake, closed(8, Duration.ofSeconds(30), 500), null, null);
    assertThat(r.requests()).isEqualTo(500);
    assertThat(r.latency().getTotalCount()).isEqualTo(500);
    assertThat(fake.mostInFlight.get()).isEqualTo(8);
    assertThat(r.errorCount()).isZero();
    // The tool's own CPU in the measured phase (Linux tells it, in 10 ms ticks, so a phase this
    // short may read zero; BenchCommandIT checks a longer one); no server was watched.
    assertThat(r.clientCpu()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
    assertThat(r.serverCpu()).isNull();
    // about 1 ms each, 8 at a time: far less than the 30 s bound
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
    assertThat(r.latency().getValueAtPercentile(50)).isBetween(900L, 200_000L);
  }

  @Test
  void failures_areCountedByKind_andNotRecordedAsLatency() throws Exception {
    Fake fake =
        new Fake(
            t -> 100_000L,
            seq ->
                seq % 4 == 0
                    ? LoadTarget.Outcome.failed("HTTP 503 overloaded")
                    : LoadTarget.Outcome.OK);
    LoadRun.Result r = LoadRun.run(fake, closed(4, Duration.ofMillis(500), 0), null, null);
    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).containsOnlyKeys("HTTP 503 overloaded");
    assertThat(r.errorCount() + r.latency().getTotalCount()).isEqualTo(r.requests());
    assertThat((double) r.errorCount() / r.requests()).isBetween(0.15, 0.35);
  }

  @Test
  void openLoop_measuresFromTheDueTime_soAStallShowsInEveryDelayedRequest() throws Exception {
    // 500 requests/s for 2 s after a 200 ms warm-up. The target answers in 1 ms, except that
    // everything sent between 0.7 s and 1.2 s after the start is held until 1.2 s (a stall).
    long stallFrom = 700_000_000L;
    long stallTo = 1_200_000_000L;
    Fake fake =
        new Fake(
            t -> t >= stallFrom && t < stallTo ? stallTo - t : 1_000_000L,
            seq -> LoadTarget.Outcome.OK);
    LoadRun.Plan plan =
        new LoadRun.Plan(0, 500, Duration.ofMillis(200), Duration.ofSeconds(2), 0, 10_000);
    LoadRun.Result r = LoadRun.run(fake, plan, null, null);
    assertThat(r.requests()).isBetween(900L, 1001L);
    // A quarter of the requests were due during the stall: the slowest of them waited ~500 ms,
    // and p90 lies well inside the stall.
    assertThat(r.latency().getMaxValue()).isGreaterThan(400_000L);
    assertThat(r.latency().getValueAtPercentile(90)).isGreaterThan(100_000L);
    assertThat(r.latency().getValueAtPercentile(50)).isLessThan(100_000L);

    // The same stall in a closed loop of one: only the one request in flight sees it.
    Fake again =
        new Fake(
            t -> t >= stallFrom && t < stallTo ? stallTo - t : 1_000_000L,
            seq -> LoadTarget.Outcome.OK);
    LoadRun.Result c = LoadRun.run(again, closed(1, Duration.ofSeconds(2), 0), null, null);
    assertThat(c.latency().getValueAtPercentile(90)).isLessThan(100_000L);
    assertThat(c.latency().getMaxValue()).isGreaterThan(400_000L);
  }

  @Test
  void openLoop_beyondTheInFlightBound_countsDueRequestsInsteadOfQueueingThem() throws Exception {
    // A target that never answers within the run: only 20 requests are ever in flight.
    Fake fake = new Fake(t -> 3_000_000_000L, seq -> LoadTarget.Outcome.OK);
    LoadRun.Plan plan = new LoadRun.Plan(0, 200, Duration.ZERO, Duration.ofMillis(500), 0, 20);
    LoadRun.Result r = LoadRun.run(fake, plan, null, null);
    assertThat(fake.mostInFlight.get()).isEqualTo(20);
    assertThat(r.errors()).containsKey("client: 20 in flight");
    assertThat(r.errors().get("client: 20 in flight")).isBetween(60L, 90L);
  }

  @Test
  void aTargetThatThrows_orAnswersAtOnce_endsTheRunWithoutRecursion() throws Exception {
    AtomicInteger sends = new AtomicInteger();
    LoadTarget broken =
        new LoadTarget() {
          @Override
          public CompletableFuture<Outcome> send(long seq) {
            if (sends.incrementAndGet() % 2 == 0) {
              throw new IllegalStateException("boom");
            }
            return CompletableFuture.completedFuture(Outcome.failed("client: refused"));
          }

          @Override
          public String describe() {
            return "broken";
          }

          @Override
          public String protocol() {
            return "";
          }

          @Override
          public void close() {}
        };
    LoadRun.Result r = LoadRun.run(broken, closed(2, Duration.ofSeconds(30), 200_000), null, null);
    assertThat(r.requests()).isEqualTo(200_000);
    assertThat(r.errors())
        .containsOnlyKeys("client: refused", "client: IllegalStateException")
        .containsEntry("client: refused", 100_000L);
  }

  @Test
  void progressAndTheIntervalLog_reportTheMeasuredPhase() throws Exception {
    Fake fake = new Fake(t -> 2_000_000L, seq -> LoadTarget.Outcome.OK);
    List<LoadRun.Progress> seen = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LoadRun.Result r;
    try (PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      r =
          LoadRun.run(
              fake,
              new LoadRun.Plan(4, 0, Duration.ZERO, Duration.ofMillis(2500), 0, 0),
              seen::add,
              new HistogramLogWriter(log));
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(2);
    assertThat(seen.get(seen.size() - 1).requests()).isPositive().isLessThanOrEqualTo(r.requests());
    assertThat(seen.get(seen.size() - 1).p99Micros()).isGreaterThan(1_000L);
    long logged = 0;
    HistogramLogReader reader =
        new HistogramLogReader(new java.io.ByteArrayInputStream(bytes.toByteArray()));
    while (reader.hasNext()) {
      logged += ((org.HdrHistogram.Histogram) reader.nextIntervalHistogram()).getTotalCount();
    }
    assertThat(logged).isEqualTo(r.latency().getTotalCount());
  }

  @Test
  void clientFailures_areNamedByTheirRootCause_andTimeoutsAsTimeout() {
    assertThat(
            LoadRun.kindOf(
                new java.util.concurrent.CompletionException(
                    new java.net.http.HttpTimeoutException("request timed out"))))
        .isEqualTo("timeout");
    assertThat(LoadRun.kindOf(new java.util.concurrent.TimeoutException())).isEqualTo("timeout");
    assertThat(
            LoadRun.kindOf(
                new java.util.concurrent.CompletionException(
                    new java.io.IOException("x", new java.net.ConnectException("refused")))))
        .isEqualTo("client: ConnectException");
  }

  @Test
  void aPlanIsOneLoop_withAPositiveDuration() {
    assertThatThrownBy(() -> new LoadRun.Plan(1, 5, Duration.ZERO, Duration.ofSeconds(1), 0, 1))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new LoadRun.Plan(1, 0, Duration.ZERO, Duration.ZERO, 0, 1))
        .hasMessageContaining("positive");
  }
}
