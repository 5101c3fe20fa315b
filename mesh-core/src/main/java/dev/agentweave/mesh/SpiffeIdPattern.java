package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

/**
 * A glob over SPIFFE IDs in which {@code *} matches any run of characters except {@code /}, so
 * {@code spiffe://example.org/agent/*} matches every agent of {@code example.org} but not {@code
 * spiffe://example.org/agent/a/b}, and {@code spiffe://*}{@code /agent/search} matches the agent
 * {@code search} in any trust domain. A pattern without {@code *} matches exactly one ID. Immutable
 * and thread-safe.
 */
public final class SpiffeIdPattern {
  private final String pattern;
  // Fast paths: an exact ID, or a literal prefix followed by one trailing '*' (the common
  // "spiffe://td/agent/*" form). Other patterns use the general matcher.
  private final boolean exact;
  private final String segmentPrefix;

  private SpiffeIdPattern(String pattern) {
    this.pattern = pattern;
    int star = pattern.indexOf('*');
    this.exact = star < 0;
    this.segmentPrefix =
        star == pattern.length() - 1 ? pattern.substring(0, pattern.length() - 1) : null;
  }

  /**
   * Parses a pattern.
   *
   * @param pattern the glob, starting with {@code spiffe://}
   * @return the pattern
   * @throws IllegalArgumentException if it does not start with {@code spiffe://} or contains
   *     characters a SPIFFE ID cannot have
   */
  public static SpiffeIdPattern of(String pattern) {
    requireNonNull(pattern, "pattern");
    if (!pattern.startsWith("spiffe://") || pattern.length() == "spiffe://".length()) {
      throw new IllegalArgumentException(
          "invalid SPIFFE ID pattern '"
              + pattern
              + "' (expected: spiffe://<trust-domain>/<path>, '*' matching within one segment)");
    }
    for (int i = "spiffe://".length(); i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      boolean ok =
          Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '/' || c == '*';
      if (!ok || c > 127) {
        throw new IllegalArgumentException(
            "invalid SPIFFE ID pattern '"
                + pattern
                + "': '"
                + c
                + "' cannot appear in a SPIFFE ID (allowed: letters, digits, '.', '-', '_', '/', '*')");
      }
    }
    return new SpiffeIdPattern(pattern);
  }

  /**
   * Tells whether the ID matches.
   *
   * @param id the ID to test
   * @return true when it matches
   */
  public boolean matches(SpiffeId id) {
    return matches(id.toString());
  }

  /**
   * Tells whether the ID string matches; {@code *} never crosses {@code /}.
   *
   * @param id the ID as a string
   * @return true when it matches
   */
  public boolean matches(String id) {
    if (exact) {
      return pattern.equals(id);
    }
    if (segmentPrefix != null) {
      return id.startsWith(segmentPrefix) && id.indexOf('/', segmentPrefix.length()) < 0;
    }
    return match(pattern, 0, id, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        // Collapse consecutive stars, then try every split that stays within the segment.
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        for (int k = si; ; k++) {
          if (match(p, pi, s, k)) {
            return true;
          }
          if (k >= s.length() || s.charAt(k) == '/') {
            return false;
          }
        }
      }
      if (si >= s.length() || s.charAt(si) != c) {
        return false;
      }
      pi++;
      si++;
    }
    return si == s.length();
  }

  /** The pattern text. */
  @Override
  public String toString() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeIdPattern other && pattern.equals(other.pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }
}
