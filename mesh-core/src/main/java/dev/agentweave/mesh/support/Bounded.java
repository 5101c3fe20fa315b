package dev.agentweave.mesh.support;

import java.util.regex.Pattern;

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

  private static final Pattern CAPABILITY_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private Bounded() {}

  /**
   * Whether a string has the shape of a capability name ({@code [a-z][a-z0-9_]*}, at most 63
   * characters), the only shape a declared capability can have.
   */
  public static boolean isCapabilityName(String s) {
    return s != null && s.length() <= 63 && CAPABILITY_NAME.matcher(s).matches();
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
