package dev.agentweave.mesh.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body with placeholders filled in per request: {@code {{seq}}} (the request's sequence
 * number), {@code {{uuid}}} (a random UUID), {@code {{random:N}}} (a random integer in 0..N-1). A
 * body without placeholders is sent as it is, encoded once.
 */
public final class BodyTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]{0,64})}}");
  private static final Pattern RANDOM = Pattern.compile("random:([1-9][0-9]{0,9})");

  private final String text;
  private final List<Object> parts;
  private final byte[] fixed;

  private BodyTemplate(String text, List<Object> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
    this.fixed =
        parts.size() == 1 && parts.get(0) instanceof String s
            ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : parts.isEmpty() ? new byte[0] : null;
  }

  /**
   * Parses a template.
   *
   * @param text the body, with placeholders
   * @return the template
   * @throws IllegalArgumentException naming the first unknown placeholder
   */
  public static BodyTemplate parse(String text) {
    List<Object> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        parts.add(text.substring(at, m.start()));
      }
      String name = m.group(1).trim();
      Matcher random = RANDOM.matcher(name);
      if (name.equals("seq") || name.equals("uuid")) {
        parts.add(new Slot(name, 0));
      } else if (random.matches() && Long.parseLong(random.group(1)) <= Integer.MAX_VALUE) {
        parts.add(new Slot("random", Integer.parseInt(random.group(1))));
      } else {
        String shown = name.length() > 32 ? name.substring(0, 32) + "..." : name;
        throw new IllegalArgumentException(
            "body template: unknown placeholder {{"
                + shown
                + "}} (expected: {{seq}}, {{uuid}} or {{random:N}} with N in 1..2147483647)");
      }
      at = m.end();
    }
    if (at < text.length()) {
      parts.add(text.substring(at));
    }
    return new BodyTemplate(text, parts);
  }

  /**
   * Whether every request gets the same bytes.
   *
   * @return true without placeholders
   */
  public boolean isFixed() {
    return fixed != null;
  }

  /**
   * The body of one request.
   *
   * @param seq the request's sequence number
   * @return the UTF-8 bytes
   */
  public byte[] render(long seq) {
    if (fixed != null) {
      return fixed;
    }
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (Object p : parts) {
      if (p instanceof String s) {
        out.append(s);
      } else {
        Slot slot = (Slot) p;
        switch (slot.name) {
          case "seq" -> out.append(seq);
          case "uuid" -> out.append(UUID.randomUUID());
          default -> out.append(ThreadLocalRandom.current().nextInt(slot.bound));
        }
      }
    }
    return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The template as written.
   *
   * @return the text
   */
  public String text() {
    return text;
  }

  private record Slot(String name, int bound) {}
}
