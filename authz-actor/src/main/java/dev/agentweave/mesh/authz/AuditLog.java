package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.agentweave.mesh.Metrics;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
  private static final JsonFactory JSON = new JsonFactory();

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
  private final Writer out;
  private final Thread writer;
  private final Counter written;
  private final Counter dropped;
  private volatile boolean closing;
  private final RateLimitedLog dropLog = new RateLimitedLog(LOG, java.time.Duration.ofSeconds(1));

  private AuditLog(Writer out, Metrics metrics, String destination) {
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
    Writer w;
    if (destination.equals("stdout")) {
      w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
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
    StringWriter line = new StringWriter(256);
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
        line.getBuffer().setLength(0);
        encode(r, line);
        out.write(line.toString());
        out.write('\n');
        written.increment();
      } catch (IOException e) {
        dropped.increment();
        LOG.warn("writing an audit record failed: {}", e.toString());
      }
    }
  }

  private static void encode(Record r, Writer w) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.ofEpochMilli(r.epochMillis()).toString());
      g.writeStringField(
          "decision_id", AuthzDecision.decisionId(r.decisionIdHigh(), r.decisionIdLow()));
      g.writeStringField("direction", r.direction());
      g.writeStringField("caller", r.caller().toString());
      g.writeStringField("callee", r.callee().toString());
      g.writeStringField("action", Bounded.cut(r.action(), Bounded.AUDIT_CHARS));
      g.writeBooleanField("allowed", r.allowed());
      g.writeStringField("reason", Bounded.cut(r.reason(), Bounded.AUDIT_CHARS));
      g.writeStringField("policy_version", r.policyVersion());
      g.writeBooleanField("cache_hit", r.cacheHit());
      g.writeNumberField("evaluation_us", r.evaluationNanos() / 1_000);
      g.writeEndObject();
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
