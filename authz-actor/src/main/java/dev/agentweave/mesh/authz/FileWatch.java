package dev.agentweave.mesh.authz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a few files and runs a callback when any of them changed (modification time or size), for
 * the engines that reload their policy files. The callback runs on the watch's own daemon thread;
 * if it throws, the failure is logged and the same change is not retried until the files change
 * again.
 */
final class FileWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.authz.files");

  private final List<Path> files;
  private final ScheduledExecutorService poller;
  private volatile String seen;

  FileWatch(List<Path> files, Duration interval, String threadName, Runnable onChange) {
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

  private String stamp() {
    StringBuilder sb = new StringBuilder();
    for (Path p : files) {
      try {
        sb.append(Files.getLastModifiedTime(p).toMillis())
            .append('/')
            .append(Files.size(p))
            .append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
