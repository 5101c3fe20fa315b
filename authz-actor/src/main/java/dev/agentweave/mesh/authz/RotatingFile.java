package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.config.AuthorizationSettings.AuditRotation;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The audit log's file: lines are appended; before a line would take the file past its size, or
 * once the file is older than its age, the file is closed and renamed {@code <name>.<UTC time>}
 * ({@code audit.log.20261202T010745.123Z}) and a new one is opened, so no line is split or lost
 * across a rotation; only the newest {@code maxFiles} rotated files are kept. Used by the audit
 * writer thread only (not thread-safe).
 */
final class RotatingFile implements AuditLog.Sink {
  private static final DateTimeFormatter SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path file;
  private final AuditRotation rotation;
  private final Clock clock;
  private final Runnable onRotation;
  private OutputStream out;
  private long size;
  private long openedAt;

  RotatingFile(Path file, AuditRotation rotation, Clock clock, Runnable onRotation)
      throws IOException {
    this.file = file;
    this.rotation = rotation;
    this.clock = clock;
    this.onRotation = onRotation;
    open();
  }

  private void open() throws IOException {
    out =
        new BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            64 * 1024);
    size = Files.size(file);
    openedAt = clock.millis();
  }

  /**
   * Writes one line (its newline included), rotating the file first if the line would make it too
   * large or the file is too old.
   */
  @Override
  public void writeLine(byte[] line, int len) throws IOException {
    if (size > 0
        && (size + len > rotation.maxFileBytes()
            || clock.millis() - openedAt >= rotation.maxAge().toMillis())) {
      rotate();
    }
    out.write(line, 0, len);
    size += len;
  }

  private void rotate() throws IOException {
    out.flush();
    out.close();
    String stamp = SUFFIX.format(clock.instant());
    Path target = file.resolveSibling(file.getFileName() + "." + stamp);
    for (int n = 1; Files.exists(target); n++) {
      target = file.resolveSibling(file.getFileName() + "." + stamp + "-" + n);
    }
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    open();
    onRotation.run();
    prune();
  }

  /** Deletes the oldest rotated files beyond {@code maxFiles}. */
  private void prune() throws IOException {
    String prefix = file.getFileName() + ".";
    List<Path> rotated = new ArrayList<>();
    Path dir = file.toAbsolutePath().getParent();
    try (Stream<Path> siblings = Files.list(dir)) {
      siblings
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(
              p ->
                  p.getFileName()
                      .toString()
                      .substring(prefix.length())
                      .matches("\\d{8}T.*Z(-\\d+)?"))
          .forEach(rotated::add);
    }
    rotated.sort(null); // the suffix sorts by time
    for (int i = 0; i < rotated.size() - rotation.maxFiles(); i++) {
      Files.deleteIfExists(rotated.get(i));
    }
  }

  /** The rotated files there are now, oldest first (for tests and tools). */
  static List<Path> rotated(Path file) throws IOException {
    String prefix = file.getFileName() + ".";
    List<Path> out = new ArrayList<>();
    try (Stream<Path> siblings = Files.list(file.toAbsolutePath().getParent())) {
      siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
