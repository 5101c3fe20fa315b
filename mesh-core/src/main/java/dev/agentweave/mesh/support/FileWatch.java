package dev.agentweave.mesh.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a few files and runs a callback when any of them changed (modification time, size or
 * inode), for everything that reloads files: policy engines, the files identity source. The
 * callback runs on the watch's own daemon thread; if it throws, the failure is logged and counted,
 * the previous state stays in force, and the same change is not retried until the files change
 * again.
 */
public final class FileWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.files");

  private final List<Path> files;
  private final ScheduledExecutorService poller;
  private final AtomicLong failures = new AtomicLong();
  private volatile String seen;

  /**
   * Starts watching.
   *
   * @param files the files (missing files count as a state of their own)
   * @param interval how often to look
   * @param threadName the name of the watching thread
   * @param onChange loads the files again; throws if they cannot be used
   */
  public FileWatch(List<Path> files, Duration interval, String threadName, Runnable onChange) {
    this.files = List.copyOf(files);
    this.seen = stamp();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, interval.toMillis());
    poller.scheduleWithFixedDelay(
        () -> {
          String now = stamp();
          if (now.equals(seen)) {
            return;
          }
          seen = now;
          try {
            onChange.run();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn(
                "{} changed but cannot be loaded; the previous version stays in force: {}",
                files,
                e.getMessage());
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
  }

  /** How many changes could not be loaded. */
  public long failures() {
    return failures.get();
  }

  private String stamp() {
    StringBuilder sb = new StringBuilder();
    for (Path p : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        sb.append(a.lastModifiedTime().toMillis())
            .append('/')
            .append(a.size())
            .append('/')
            .append(a.fileKey())
            .append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  /** Stops watching. */
  @Override
  public void close() {
    poller.shutdownNow();
  }
}
