package dev.agentweave.mesh.archtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source file of the project passes 500 lines (issue 12: a class that large holds more than
 * one job). Test sources are not counted.
 */
class SourceSizeTest {
  static final int MAX_LINES = 500;

  @Test
  void noMainSourceFilePasses500Lines() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(Path.of(".."))) {
      sources =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/java/"))
              .filter(p -> !p.toString().contains("/target/"))
              .toList();
    }
    assertThat(sources).as("main sources found from the project root").hasSizeGreaterThan(100);
    assertThat(sources)
        .filteredOn(p -> lines(p) > MAX_LINES)
        .as("main source files over %d lines", MAX_LINES)
        .isEmpty();
  }

  @Test
  void theCountSeesALongFile() throws IOException {
    Path tmp = Files.createTempFile("Long", ".java");
    try {
      Files.writeString(tmp, "x\n".repeat(MAX_LINES + 1));
      assertThat(lines(tmp)).isGreaterThan(MAX_LINES);
    } finally {
      Files.delete(tmp);
    }
  }

  private static long lines(Path p) {
    try (Stream<String> s = Files.lines(p)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
