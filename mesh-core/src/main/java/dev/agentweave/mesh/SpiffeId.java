package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain>/<path>}, validated by the rules of the SPIFFE ID
 * specification: lowercase scheme {@code spiffe}; a trust domain of 1 to 255 characters from {@code
 * [a-z0-9.-_]} (so no port, user info or uppercase); a path of {@code /}-separated non-empty
 * segments from {@code [a-zA-Z0-9.-_]}, none of them {@code .} or {@code ..}, without a trailing
 * slash; no query or fragment; at most 2048 bytes in all.
 *
 * <p>Agents have IDs of the form {@code spiffe://<trust-domain>/agent/<name>} ({@link
 * #forAgent(String, String)}). Instances are immutable and compare by value.
 */
public final class SpiffeId implements Comparable<SpiffeId> {
  private static final String SCHEME = "spiffe://";
  private static final int MAX_LENGTH = 2048;
  private static final int MAX_TRUST_DOMAIN_LENGTH = 255;

  private final String trustDomain;
  private final String path;
  private final String uri;

  private SpiffeId(String trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
    this.uri = SCHEME + trustDomain + path;
  }

  /**
   * Parses and validates a SPIFFE ID.
   *
   * @param value the ID, for example {@code spiffe://example.org/agent/search}
   * @return the ID
   * @throws IllegalArgumentException naming the rule the value breaks
   */
  public static SpiffeId parse(String value) {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw invalid(value, "it is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid(value, "it is longer than " + MAX_LENGTH + " bytes");
    }
    if (!value.startsWith(SCHEME)) {
      int colon = value.indexOf(':');
      if (colon > 0 && value.substring(0, colon).equalsIgnoreCase("spiffe")) {
        throw invalid(value, "the scheme must be lowercase 'spiffe' followed by '://'");
      }
      throw invalid(value, "the scheme must be 'spiffe://'");
    }
    int slash = value.indexOf('/', SCHEME.length());
    String td =
        slash < 0 ? value.substring(SCHEME.length()) : value.substring(SCHEME.length(), slash);
    String path = slash < 0 ? "" : value.substring(slash);
    String tdProblem = trustDomainProblem(td);
    if (tdProblem != null) {
      throw invalid(value, tdProblem);
    }
    String pathProblem = pathProblem(path);
    if (pathProblem != null) {
      throw invalid(value, pathProblem);
    }
    return new SpiffeId(td, path);
  }

  /**
   * The ID of an agent: {@code spiffe://<trustDomain>/agent/<name>}.
   *
   * @param trustDomain the trust domain, for example {@code example.org}
   * @param name the agent name, a single path segment
   * @return the agent's ID
   * @throws IllegalArgumentException if the trust domain or the name is not valid
   */
  public static SpiffeId forAgent(String trustDomain, String name) {
    requireNonNull(trustDomain, "trustDomain");
    requireNonNull(name, "name");
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "agent name: '" + name + "' (expected: one non-empty path segment)");
    }
    return parse(SCHEME + trustDomain + "/agent/" + name);
  }

  /**
   * Tells whether a trust domain name is valid.
   *
   * @param trustDomain the name to check
   * @return {@code null} when valid, else a sentence naming the rule it breaks
   */
  public static String trustDomainProblem(String trustDomain) {
    if (trustDomain.isEmpty()) {
      return "the trust domain is empty";
    }
    if (trustDomain.length() > MAX_TRUST_DOMAIN_LENGTH) {
      return "the trust domain is longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters";
    }
    for (int i = 0; i < trustDomain.length(); i++) {
      char c = trustDomain.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!ok) {
        if (c == ':') {
          return "the trust domain must not contain a port (':')";
        }
        if (c == '@') {
          return "the trust domain must not contain user info ('@')";
        }
        if (c >= 'A' && c <= 'Z') {
          return "the trust domain must be lowercase (found '" + c + "')";
        }
        return "the trust domain contains '" + c + "' (allowed: a-z, 0-9, '.', '-', '_')";
      }
    }
    return null;
  }

  private static String pathProblem(String path) {
    if (path.isEmpty()) {
      return null;
    }
    if (path.equals("/")) {
      return "the path must not be a lone '/' (omit it or name a segment)";
    }
    if (path.endsWith("/")) {
      return "the path must not end with '/'";
    }
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      if (segment.isEmpty()) {
        return "the path has an empty segment ('//')";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "the path has a '" + segment + "' segment";
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '-'
                || c == '_';
        if (!ok) {
          if (c == '?') {
            return "a SPIFFE ID must not have a query ('?')";
          }
          if (c == '#') {
            return "a SPIFFE ID must not have a fragment ('#')";
          }
          if (c == '%') {
            return "the path must not contain percent-encoded characters";
          }
          return "the path contains '" + c + "' (allowed: a-z, A-Z, 0-9, '.', '-', '_')";
        }
      }
      start = end + 1;
    }
    return null;
  }

  private static IllegalArgumentException invalid(String value, String rule) {
    String shown = value.length() > 120 ? value.substring(0, 120) + "..." : value;
    return new IllegalArgumentException(
        "invalid SPIFFE ID '"
            + shown
            + "': "
            + rule
            + " (expected: spiffe://<trust-domain>/<path>)");
  }

  /** The trust domain, for example {@code example.org}. */
  public String trustDomain() {
    return trustDomain;
  }

  /** The path, for example {@code /agent/search}; empty for a trust domain's own ID. */
  public String path() {
    return path;
  }

  /**
   * The agent name when this is an agent ID ({@code /agent/<name>}), else empty.
   *
   * @return the agent name, or an empty string
   */
  public String agentName() {
    if (path.startsWith("/agent/") && path.indexOf('/', 7) < 0) {
      return path.substring(7);
    }
    return "";
  }

  /** The ID as a URI string. */
  @Override
  public String toString() {
    return uri;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeId other && uri.equals(other.uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }

  @Override
  public int compareTo(SpiffeId o) {
    return uri.compareTo(o.uri);
  }
}
