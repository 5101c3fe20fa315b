package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per authorization decision, hit or miss, written by a background
 * thread so the call path only enqueues. Fields: {@code timestamp}, {@code decision_id}, {@code
 * direction}, {@code caller}, {@code callee}, {@code action}, {@code allowed}, {@code reason},
 * {@code policy_version}, {@code cache_hit}, {@code evaluation_us}. The queue holds {@value
 * #CAPACITY} records; under normal load nothing is lost, and a record that does not fit is counted
 * in {@code audit.records.dropped} and logged (at most once a second) rather than blocking calls. A
 * record reaches its destination (the file or stdout) within about ten milliseconds; {@link
 * #close()} writes everything still queued. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
  /** Records the queue holds before it drops. */
  public static final int CAPACITY = 65_536;

  private static final Logger LOG = LoggerFactory.getLogger("agentweave.audit");

  /**
   * Written records reach the file at most this long after the writer found the queue empty: under
   * load a flush per drained batch (every millisecond) cost 3% of a node's CPU per request in the
   * profile of docs/benchmarks.md. {@link #close()} flushes everything.
   */
  private static final long FLUSH_EVERY_NANOS = 10_000_000L;

  /** How long the writer sleeps when the queue is empty; the queue holds far more than this. */
  private static final long IDLE_PARK_NANOS = 1_000_000L;

  /**
   * One decision. Cheap to create on the call path: the id and the time are formatted by the writer
   * thread.
   *
   * @param epochMillis when it was made
   * @param decisionIdHigh high 64 bits of the unique decision id
   * @param decisionIdLow low 64 bits of the unique decision id
   * @param direction outbound or inbound
   * @param caller the caller
   * @param callee the callee
   * @param action the capability
   * @param allowed the outcome
   * @param reason why
   * @param policyVersion the deciding policy
   * @param cacheHit whether the cache answered
   * @param evaluationNanos time to the decision
   */
  public record Record(
      long epochMillis,
      long decisionIdHigh,
      long decisionIdLow,
      String direction,
      SpiffeId caller,
      SpiffeId callee,
      String action,
      boolean allowed,
      String reason,
      String policyVersion,
      boolean cacheHit,
      long evaluationNanos) {}

  private final ConcurrentLinkedQueue<Record> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Sink out;
  private final Thread writer;
  private final Counter written;
  private final Counter dropped;
  private volatile boolean closing;
  private final RateLimitedLog dropLog = new RateLimitedLog(LOG, java.time.Duration.ofSeconds(1));

  /** Where the lines go: the rotating file or standard output. Used by the writer thread only. */
  interface Sink extends Flushable, Closeable {
    /**
     * Writes one line.
     *
     * @param line the line's bytes, its newline included, from index 0
     * @param len its length
     * @throws IOException if it cannot be written
     */
    void writeLine(byte[] line, int len) throws IOException;
  }

  /** Standard output, buffered; closing flushes it but leaves the stream open. */
  private static final class StdoutSink implements Sink {
    private final BufferedOutputStream out = new BufferedOutputStream(System.out, 64 * 1024);

    @Override
    public void writeLine(byte[] line, int len) throws IOException {
      out.write(line, 0, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  private AuditLog(Sink out, Metrics metrics, String destination) {
    this.out = out;
    this.written = metrics.counter("audit.records.written", "Audit records written");
    this.dropped =
        metrics.counter(
            "audit.records.dropped", "Audit records dropped because the queue was full");
    this.writer = new Thread(this::run, "agentweave-audit");
    this.writer.setDaemon(true);
    this.writer.start();
    LOG.info("audit log writing to {}", destination);
  }

  /**
   * Opens the audit log.
   *
   * @param destination {@code stdout} or {@code file://path} (absolute with three slashes, else
   *     relative to the working directory; appended to, created if missing)
   * @param metrics the node's metrics
   * @return the log
   * @throws IllegalArgumentException if the destination is not supported or cannot be opened
   */
  public static AuditLog open(String destination, Metrics metrics) {
    return open(destination, AuthorizationSettings.AuditRotation.DEFAULT, metrics);
  }

  /**
   * Opens the audit log with a rotation for a file destination.
   *
   * @param destination {@code stdout} or {@code file://path} (absolute with three slashes, else
   *     relative to the working directory; appended to, created if missing)
   * @param rotation when the file is rotated and how many rotated files are kept
   * @param metrics the node's metrics
   * @return the log
   * @throws IllegalArgumentException if the destination is not supported or cannot be opened
   */
  public static AuditLog open(
      String destination, AuthorizationSettings.AuditRotation rotation, Metrics metrics) {
    requireNonNull(destination, "destination");
    requireNonNull(rotation, "rotation");
    Counter rotations =
        metrics.counter(
            "audit.files.rotated",
            "Audit files closed and renamed by size or age (authorization.audit.rotation)");
    Sink w;
    if (destination.equals("stdout")) {
      w = new StdoutSink();
    } else if (destination.startsWith("file://")) {
      Path p = path(destination);
      try {
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        w = new RotatingFile(p, rotation, java.time.Clock.systemUTC(), rotations::increment);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "authorization.audit.destination: "
                + destination
                + " cannot be opened ("
                + e.getMessage()
                + ")",
            e);
      }
    } else {
      throw new IllegalArgumentException(
          "authorization.audit.destination: "
              + destination
              + " (expected: stdout or file:///path)");
    }
    return new AuditLog(w, metrics, destination);
  }

  /**
   * The file of a {@code file://} destination: {@code file:///var/log/a.log} is absolute, {@code
   * file://logs/a.log} is relative to the working directory.
   *
   * @param destination the destination
   * @return the path
   */
  public static Path path(String destination) {
    if (!destination.startsWith("file://")) {
      throw new IllegalArgumentException("not a file:// destination: " + destination);
    }
    return Path.of(destination.substring("file://".length()));
  }

  /**
   * Queues a record; never blocks.
   *
   * @param r the record
   */
  public void record(Record r) {
    if (queued.incrementAndGet() > CAPACITY) {
      queued.decrementAndGet();
      dropped.increment();
      dropLog.warn(
          "audit queue full ({} records): dropping records; see audit.records.dropped", CAPACITY);
      return;
    }
    queue.add(r);
  }

  /** Records written so far. */
  public long written() {
    return (long) written.count();
  }

  /** Records dropped so far. */
  public long dropped() {
    return (long) dropped.count();
  }

  private void run() {
    AuditLine line = new AuditLine();
    boolean unflushed = false;
    long lastFlush = System.nanoTime() - FLUSH_EVERY_NANOS;
    while (true) {
      Record r = queue.poll();
      if (r == null) {
        if (closing) {
          return;
        }
        long now = System.nanoTime();
        if (unflushed && now - lastFlush >= FLUSH_EVERY_NANOS) {
          try {
            out.flush();
          } catch (IOException e) {
            LOG.warn("flushing the audit log failed: {}", e.toString());
          }
          unflushed = false;
          lastFlush = now;
        }
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      unflushed = true;
      queued.decrementAndGet();
      try {
        int len = line.encode(r);
        out.writeLine(line.bytes(), len);
        written.increment();
      } catch (IOException e) {
        dropped.increment();
        LOG.warn("writing an audit record failed: {}", e.toString());
      }
    }
  }

  /** Writes every queued record, then stops the writer (waits up to ten seconds). */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(10_000);
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("flushing the audit log failed", e);
    }
  }
}
