package dev.agentweave.samples;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The guide's blocking-work example: {@code process_file} reads a file and counts lines, words and
 * bytes. File I/O blocks, so the capability is declared {@link Capability#withBlocking(boolean)
 * blocking} and runs on the node's blocking dispatcher (Python's {@code run_in_executor}). Paths
 * are resolved inside a root directory and may not escape it.
 */
public final class FileProcessorAgent {
  /** Agent name. */
  public static final String NAME = "file-processor";

  /**
   * A file to process.
   *
   * @param path a path relative to the agent's root
   */
  public record ProcessFile(String path) {}

  /**
   * File statistics.
   *
   * @param path the path as requested
   * @param lines number of lines
   * @param words number of whitespace-separated words
   * @param bytes size in bytes
   */
  public record FileStats(String path, int lines, int words, long bytes) {}

  private FileProcessorAgent() {}

  /**
   * Creates the agent.
   *
   * @param root the directory whose files may be processed
   * @return the agent
   */
  public static Agent create(Path root) {
    Path base = requireNonNull(root, "root").toAbsolutePath().normalize();
    return Agent.of(NAME)
        .withDescription("Counts lines, words and bytes of files")
        .withCapability(
            Capability.of(
                    "process_file",
                    ProcessFile.class,
                    FileStats.class,
                    (ctx, req) -> process(base, req))
                .withBlocking(true)
                .withMaxInFlight(8));
  }

  private static FileStats process(Path base, ProcessFile req) throws IOException {
    if (req.path() == null || req.path().isBlank()) {
      throw new CapabilityException("path is required");
    }
    Path file = base.resolve(req.path()).normalize();
    if (!file.startsWith(base)) {
      throw new CapabilityException("path '" + req.path() + "' is outside the agent's root");
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CapabilityException("no such file: " + req.path());
    }
    String text = new String(content, StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    int words = 0;
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty()) {
        words += t.split("\\s+").length;
      }
    }
    return new FileStats(req.path(), lines.size(), words, content.length);
  }
}
