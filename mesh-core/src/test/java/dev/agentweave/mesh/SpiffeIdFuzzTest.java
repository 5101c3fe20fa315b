package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the SPIFFE ID parser (Jazzer): any string either parses to an ID that
 * prints and parses back to itself, or is refused with {@link IllegalArgumentException} and a
 * bounded message; nothing else escapes. Seeds: {@code SpiffeIdFuzzTestInputs/parse}.
 */
class SpiffeIdFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    SpiffeId id;
    try {
      id = SpiffeId.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      assertThat(refused.getMessage().length()).isLessThan(600);
      return;
    }
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
    assertThat(id.toString()).startsWith("spiffe://");
    assertThat(id.toString().length()).isLessThanOrEqualTo(2048);
    assertThat(SpiffeIdPattern.of(id.toString()).matches(id)).isTrue();
  }
}
