package dev.agentweave.mesh.cli.bench;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * One load run against one target: a warm-up whose requests are not counted, then a measured phase
 * bounded by time and, optionally, by a request count. Closed loop: {@code concurrency} requests in
 * flight, each sent when the one before it answered. Open loop: requests sent at a fixed rate
 * whatever the answers do, with latency measured from the time each request was due, not from when
 * it left (so a stall of the target shows as the latency of every request it delayed; coordinated
 * omission cannot hide it). Latency is recorded for successes, in microseconds; failures are
 * counted by kind.
 */
public final class LoadRun {
  /** Distinct failure kinds kept; further kinds are counted as {@code other}. */
  static final int MAX_KINDS = 32;

  /**
   * How to load the target.
   *
   * @param concurrency closed loop: requests in flight (0 for open loop)
   * @param rate open loop: requests per second (0 for closed loop)
   * @param warmup how long to run before measuring
   * @param duration how long to measure
   * @param maxRequests the most measured requests, or 0 for no count bound
   * @param maxInFlight open loop: requests in flight beyond which a due request is not sent but
   *     counted as {@code client: N in flight}
   */
  public record Plan(
      int concurrency,
      double rate,
      Duration warmup,
      Duration duration,
      long maxRequests,
      int maxInFlight) {
    /** Checks the plan. */
    public Plan {
      if ((concurrency > 0) == (rate > 0)) {
        throw new IllegalArgumentException("one of concurrency and rate, not both or neither");
      }
      requireNonNull(warmup, "warmup");
      requireNonNull(duration, "duration");
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException("duration must be positive");
      }
    }

    /**
     * Whether requests are sent at a fixed rate.
     *
     * @return true for open loop
     */
    public boolean openLoop() {
      return rate > 0;
    }
  }

  /**
   * What a progress line shows, once a second.
   *
   * @param elapsed time since the measured phase began (negative during warm-up)
   * @param requests measured requests answered
   * @param errors measured failures
   * @param ratePerSecond answers per second in the last interval
   * @param p99Micros 99th percentile so far, in microseconds
   */
  public record Progress(
      Duration elapsed, long requests, long errors, double ratePerSecond, long p99Micros) {}

  /**
   * The measured phase's figures.
   *
   * @param latency latency of the successes, in microseconds
   * @param requests measured requests answered, successes and failures
   * @param errors measured failures by kind
   * @param elapsed from the start of the measured phase to its last answer
   * @param serverCpu CPU time the watched server process spent in the measured phase, or {@code
   *     null} when no process was watched
   * @param clientCpu CPU time this process (the load tool itself) spent in the measured phase, or
   *     {@code null} where the platform does not tell
   */
  public record Result(
      Histogram latency,
      long requests,
      Map<String, Long> errors,
      Duration elapsed,
      Duration serverCpu,
      Duration clientCpu) {
    /**
     * The load tool's own CPU per answered request, in microseconds.
     *
     * @return the figure, or -1 when unknown
     */
    public double clientCpuMicrosPerRequest() {
      return clientCpu == null || requests == 0 ? -1 : clientCpu.toNanos() / 1e3 / requests;
    }

    /**
     * Server CPU per answered request, in microseconds.
     *
     * @return the figure, or -1 without a watched process or answers
     */
    public double serverCpuMicrosPerRequest() {
      return serverCpu == null || requests == 0 ? -1 : serverCpu.toNanos() / 1e3 / requests;
    }

    /**
     * Answers per second.
     *
     * @return requests / elapsed
     */
    public double requestsPerSecond() {
      double s = elapsed.toNanos() / 1e9;
      return s <= 0 ? 0 : requests / s;
    }

    /**
     * Failures in all.
     *
     * @return the sum of {@link #errors()}
     */
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final LoadTarget target;
  private final Plan plan;
  private final java.util.function.Supplier<Duration> cpu;
  private volatile Duration cpuAtStart;
  private volatile Duration ownCpuAtStart;
  private final Recorder recorder = new Recorder(3_600_000_000L, 3);
  private final Histogram total = new Histogram(3_600_000_000L, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder answered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong measuredSent = new AtomicLong();
  private final AtomicLong lastAnswer = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private long measureStart;
  private long measureEnd;
  private volatile boolean stopping;
  private volatile boolean issued;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  private LoadRun(LoadTarget target, Plan plan, java.util.function.Supplier<Duration> cpu) {
    this.target = target;
    this.plan = plan;
    this.cpu = cpu;
  }

  /**
   * Runs a plan against a target, blocking until the measured phase is over and every request sent
   * has answered (each is bounded by the target's own timeout).
   *
   * @param target the target
   * @param plan the plan
   * @param progress told once a second; may be {@code null}
   * @param log receives one interval histogram a second (HdrHistogram log); may be {@code null}
   * @return the measured figures
   * @throws InterruptedException if interrupted while waiting
   */
  public static Result run(
      LoadTarget target, Plan plan, Consumer<Progress> progress, HistogramLogWriter log)
      throws InterruptedException {
    return run(target, plan, progress, log, null);
  }

  /**
   * Runs a plan and measures the CPU time a server process spends in the measured phase.
   *
   * @param target the target
   * @param plan the plan
   * @param progress told once a second; may be {@code null}
   * @param log receives one interval histogram a second; may be {@code null}
   * @param serverCpu the server's total CPU time so far, read at the start and the end of the
   *     measured phase; may be {@code null}
   * @return the measured figures
   * @throws InterruptedException if interrupted while waiting
   */
  public static Result run(
      LoadTarget target,
      Plan plan,
      Consumer<Progress> progress,
      HistogramLogWriter log,
      java.util.function.Supplier<Duration> serverCpu)
      throws InterruptedException {
    return new LoadRun(requireNonNull(target, "target"), requireNonNull(plan, "plan"), serverCpu)
        .execute(progress, log);
  }

  private Result execute(Consumer<Progress> progress, HistogramLogWriter log)
      throws InterruptedException {
    long start = System.nanoTime();
    measureStart = start + plan.warmup().toNanos();
    measureEnd = measureStart + plan.duration().toNanos();
    lastAnswer.set(measureStart);
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "agentweave-bench-ticker");
              t.setDaemon(true);
              return t;
            });
    long[] lastCount = {0};
    long logStart = System.currentTimeMillis() + plan.warmup().toMillis();
    if (log != null) {
      log.outputLogFormatVersion();
      log.outputStartTime(logStart);
      log.setBaseTime(logStart);
      log.outputLegend();
    }
    Object lock = new Object();
    Histogram[] reuse = {null};
    ticker.schedule(
        () -> {
          ownCpuAtStart = ownCpu();
          if (cpu != null) {
            cpuAtStart = cpu.get();
          }
        },
        Math.max(0, measureStart - System.nanoTime()),
        TimeUnit.NANOSECONDS);
    ticker.scheduleAtFixedRate(
        () -> {
          synchronized (lock) {
            reuse[0] = tick(reuse[0], log);
            if (progress != null) {
              long now = System.nanoTime();
              long count = answered.sum();
              progress.accept(
                  new Progress(
                      Duration.ofNanos(now - measureStart),
                      count,
                      failed.sum(),
                      count - lastCount[0],
                      total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(99)));
              lastCount[0] = count;
            }
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    try {
      if (plan.openLoop()) {
        openLoop(start);
      } else {
        closedLoop();
      }
      awaitInFlight();
    } finally {
      ticker.shutdownNow();
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    }
    synchronized (lock) {
      tick(reuse[0], log);
    }
    Duration serverCpu = null;
    if (cpu != null && cpuAtStart != null) {
      serverCpu = cpu.get().minus(cpuAtStart);
    }
    Duration clientCpu = null;
    Duration ownNow = ownCpu();
    if (ownCpuAtStart != null && ownNow != null) {
      clientCpu = ownNow.minus(ownCpuAtStart);
    }
    Map<String, Long> byKind = new java.util.TreeMap<>();
    errors.forEach((k, v) -> byKind.put(k, v.sum()));
    return new Result(
        total.copy(),
        answered.sum(),
        Map.copyOf(byKind),
        Duration.ofNanos(Math.max(1, lastAnswer.get() - measureStart)),
        serverCpu,
        clientCpu);
  }

  private static Duration ownCpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(null);
  }

  private Histogram tick(Histogram reuse, HistogramLogWriter log) {
    Histogram interval = recorder.getIntervalHistogram(reuse);
    total.add(interval);
    if (log != null && interval.getTotalCount() > 0) {
      log.outputIntervalHistogram(interval);
    }
    return interval;
  }

  private boolean measured(long due) {
    return due >= measureStart && due < measureEnd;
  }

  /** Whether a request due now may still be sent: within the run and under the count bound. */
  private boolean admit(long due) {
    if (stopping || due >= measureEnd) {
      return false;
    }
    if (measured(due) && plan.maxRequests() > 0) {
      if (measuredSent.incrementAndGet() > plan.maxRequests()) {
        stopping = true;
        return false;
      }
    }
    return true;
  }

  private void closedLoop() throws InterruptedException {
    CountDownLatch workers = new CountDownLatch(plan.concurrency());
    for (int i = 0; i < plan.concurrency(); i++) {
      worker(workers);
    }
    workers.await();
  }

  /** One closed-loop worker: sends, and on each answer sends again, until the run ends. */
  private void worker(CountDownLatch done) {
    while (true) {
      long due = System.nanoTime();
      if (!admit(due)) {
        done.countDown();
        return;
      }
      CompletableFuture<LoadTarget.Outcome> answer = send(due);
      if (!answer.isDone()) {
        answer.whenComplete((o, e) -> worker(done));
        return;
      }
      // Answered at once (a refused connection): go on here instead of recursing.
    }
  }

  private void openLoop(long start) {
    double period = 1e9 / plan.rate();
    for (long i = 0; ; i++) {
      long due = start + (long) (i * period);
      if (!admit(due)) {
        return;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (inFlight.get() >= plan.maxInFlight()) {
        // The client cannot keep the schedule without unbounded memory: say so, do not wait.
        if (measured(due)) {
          count("client: " + plan.maxInFlight() + " in flight");
          answered.increment();
          lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
        }
        continue;
      }
      send(due);
    }
  }

  private CompletableFuture<LoadTarget.Outcome> send(long due) {
    inFlight.incrementAndGet();
    CompletableFuture<LoadTarget.Outcome> answer;
    try {
      answer = target.send(seq.getAndIncrement());
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(LoadTarget.Outcome.failed(kindOf(e)));
    }
    return answer.whenComplete(
        (outcome, error) -> {
          long now = System.nanoTime();
          try {
            record(due, now, outcome, error);
          } finally {
            if (inFlight.decrementAndGet() == 0 && issued) {
              drained.complete(null);
            }
          }
        });
  }

  private void record(long due, long now, LoadTarget.Outcome outcome, Throwable error) {
    if (!measured(due)) {
      return;
    }
    answered.increment();
    lastAnswer.accumulateAndGet(now, Math::max);
    if (error == null && outcome.ok()) {
      recorder.recordValue(Math.max(0, (now - due) / 1000));
    } else {
      count(error != null ? kindOf(error) : outcome.kind());
    }
  }

  private void count(String kind) {
    failed.increment();
    LongAdder adder = errors.get(kind);
    if (adder == null) {
      adder = errors.size() < MAX_KINDS ? errors.computeIfAbsent(kind, k -> new LongAdder()) : null;
      if (adder == null) {
        adder = errors.computeIfAbsent("other", k -> new LongAdder());
      }
    }
    adder.increment();
  }

  private void awaitInFlight() throws InterruptedException {
    issued = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    try {
      drained.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The kind of a client-side failure: {@code timeout} when a timeout is anywhere in the causes,
   * else {@code client: } and the class of the root cause.
   */
  static String kindOf(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || t instanceof java.net.http.HttpTimeoutException) {
        return "timeout";
      }
      root = t;
    }
    return "client: " + root.getClass().getSimpleName();
  }
}
