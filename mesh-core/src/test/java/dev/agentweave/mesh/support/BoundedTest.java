package dev.agentweave.mesh.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BoundedTest {
  /** The documented shape, as the oracle of the hand-written check. */
  private static final Pattern SHAPE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  @Test
  void isCapabilityName_agreesWithItsPattern_onEdgesAndRandomStrings() {
    String[] edges = {
      null,
      "",
      "a",
      "z",
      "A",
      "0",
      "_",
      "a0_",
      "search",
      "Search",
      "sea rch",
      "sea-rch",
      "é",
      "a".repeat(63),
      "a".repeat(64),
      "a\u0000",
      "a\n",
      "`",
      "{",
      "/",
      ":",
      "a`",
      "a{",
      "a/",
      "a:"
    };
    for (String s : edges) {
      assertThat(Bounded.isCapabilityName(s)).as(String.valueOf(s)).isEqualTo(matches(s));
    }
    SplittableRandom random = new SplittableRandom(13);
    String alphabet = "az09_AZ-. /:`{@\u00e9";
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(70);
      for (int i = 0; i < len; i++) {
        b.append(
            random.nextInt(4) == 0
                ? alphabet.charAt(random.nextInt(alphabet.length()))
                : (char) ('a' + random.nextInt(26)));
      }
      String s = b.toString();
      boolean expected = matches(s);
      assertThat(Bounded.isCapabilityName(s)).as(s).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    // both outcomes were exercised
    assertThat(accepted).isBetween(100, 19_900);
  }

  private static boolean matches(String s) {
    return s != null && SHAPE.matcher(s).matches();
  }
}
