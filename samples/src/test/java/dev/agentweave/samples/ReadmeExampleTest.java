package dev.agentweave.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java example is the compiled code between the quickstart tags of QuickStart. */
class ReadmeExampleTest {
  @Test
  void readmeExample_isTheCompiledQuickStart() throws Exception {
    String source =
        Files.readString(Path.of("src/main/java/dev/agentweave/samples/QuickStart.java"));
    int start = source.indexOf("// tag::quickstart[]");
    int end = source.indexOf("// end::quickstart[]");
    assertThat(start).isPositive();
    String snippet = source.substring(source.indexOf('\n', start) + 1, end).stripTrailing();
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(normalize(readme)).contains(normalize(snippet));
  }

  private static String normalize(String s) {
    StringBuilder out = new StringBuilder();
    for (String line : s.split("\n")) {
      out.append(line.strip()).append('\n');
    }
    return out.toString();
  }
}
