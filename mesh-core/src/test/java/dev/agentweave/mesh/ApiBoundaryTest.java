package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the public API free of internal types and mesh-core free of HTTP and cluster code. */
class ApiBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/dev/agentweave/mesh");

  private static List<Class<?>> publicApiClasses() throws IOException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String rel = MAIN.relativize(f).toString().replace(File.separatorChar, '.');
        if (rel.startsWith("internal.") || rel.endsWith("package-info.java")) {
          continue;
        }
        String name = "dev.agentweave.mesh." + rel.substring(0, rel.length() - 5);
        Class<?> c = Class.forName(name);
        if (Modifier.isPublic(c.getModifiers())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static final class File {
    static final char separatorChar = java.io.File.separatorChar;
  }

  @Test
  void publicSignatures_neverExposeInternalTypes() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> api = publicApiClasses();
    assertThat(api).contains(MeshNode.class, AgentRef.class, Capability.class);
    for (Class<?> c : api) {
      for (Method m : c.getMethods()) {
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
          if (t.getTypeName().contains(".internal.")) {
            leaks.add(c.getSimpleName() + "." + m.getName() + " uses " + t.getTypeName());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void meshCore_importsNoHttpOrClusterCode() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.startsWith("import ")
              && (line.contains("org.apache.pekko.http")
                  || line.contains("org.apache.pekko.cluster")
                  || line.contains("dev.agentweave.mesh.http")
                  || line.contains("dev.agentweave.mesh.cluster"))) {
            offenders.add(f.getFileName() + ": " + line);
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
