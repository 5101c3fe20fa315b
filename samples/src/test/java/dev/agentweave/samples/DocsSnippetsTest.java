package dev.agentweave.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every ```java block in README.md and docs/ is an excerpt of compiled sample or test code. */
class DocsSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaBlockInTheDocs_isCompiledCode() throws IOException {
    StringBuilder sources = new StringBuilder();
    for (String root : List.of("..")) {
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        for (Path f :
            files
                .filter(
                    p ->
                        p.toString().endsWith(".java")
                            && p.toString().contains("src")
                            && !p.toString().contains("target"))
                .toList()) {
          sources.append(normalize(Files.readString(f))).append('\n');
        }
      }
    }
    List<Path> docs = new ArrayList<>();
    docs.add(Path.of("..", "README.md"));
    try (Stream<Path> files = Files.walk(Path.of("..", "docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
    }
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    for (Path doc : docs) {
      Matcher m = JAVA_BLOCK.matcher(Files.readString(doc));
      while (m.find()) {
        blocks++;
        String block = normalize(m.group(1));
        if (!sources.toString().contains(block)) {
          missing.add(doc + ":\n" + m.group(1));
        }
      }
    }
    assertThat(blocks).isGreaterThan(5);
    assertThat(missing).as("java blocks that are not verbatim excerpts of compiled code").isEmpty();
  }

  private static String normalize(String s) {
    StringBuilder out = new StringBuilder();
    for (String line : s.split("\n")) {
      String t = line.strip();
      if (!t.isEmpty()) {
        out.append(t).append('\n');
      }
    }
    return out.toString();
  }
}
