package dev.agentweave.mesh.support;

/**
 * Bounds on what callers choose: strings that reach a meter tag, a log line, an error message or
 * the audit log. A meter tag takes only names the node declares ({@link #UNKNOWN} otherwise); text
 * shown elsewhere is cut at a fixed length with a marker saying how much was left out. Stateless.
 */
public final class Bounded {
  /** The tag value under which everything the node did not declare is counted. */
  public static final String UNKNOWN = "unknown";

  /** The most characters of a caller-chosen string that a log line or message shows. */
  public static final int SHOWN_CHARS = 128;

  /** The most characters of a caller-chosen string that an audit record keeps. */
  public static final int AUDIT_CHARS = 512;

  private Bounded() {}

  /**
   * Whether a string has the shape of a capability name ({@code [a-z][a-z0-9_]*}, at most 63
   * characters), the only shape a declared capability can have.
   */
  public static boolean isCapabilityName(String s) {
    // the pattern's meaning, checked without a Matcher per call (a call path runs this per request)
    if (s == null || s.isEmpty() || s.length() > 63) {
      return false;
    }
    char first = s.charAt(0);
    if (first < 'a' || first > 'z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} cut to {@value #SHOWN_CHARS} characters, with a marker when cut. */
  public static String shown(String s) {
    return cut(s, SHOWN_CHARS);
  }

  /**
   * {@code s} cut to at most {@code max} characters followed by {@code ...[+N chars]} when longer;
   * {@code null} stays {@code null}.
   */
  public static String cut(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...[+" + (s.length() - end) + " chars]";
  }
}
