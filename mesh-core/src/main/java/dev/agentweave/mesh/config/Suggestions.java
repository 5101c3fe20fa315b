package dev.agentweave.mesh.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" hints: the closest candidate by edit distance, if it is close enough. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to the input, or {@code null} if none is within a third of its length.
   *
   * @param input what the user wrote
   * @param candidates the valid names
   * @return the best candidate or {@code null}
   */
  public static String closest(String input, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String in = input.toLowerCase(Locale.ROOT);
    for (String c : candidates) {
      int d = distance(in, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (best == null) {
      return null;
    }
    int limit = Math.max(2, Math.max(input.length(), best.length()) / 3);
    return bestDistance <= limit ? best : null;
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
