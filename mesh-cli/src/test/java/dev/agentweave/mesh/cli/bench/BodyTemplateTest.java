package dev.agentweave.mesh.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTemplateTest {
  private static String render(BodyTemplate t, long seq) {
    return new String(t.render(seq), StandardCharsets.UTF_8);
  }

  @Test
  void aBodyWithoutPlaceholders_isFixed_andSentAsItIs() {
    BodyTemplate t = BodyTemplate.parse("{\"action\":\"search\",\"q\":\"{not one}\"}");
    assertThat(t.isFixed()).isTrue();
    assertThat(render(t, 7)).isEqualTo("{\"action\":\"search\",\"q\":\"{not one}\"}");
    assertThat(BodyTemplate.parse("").render(0)).isEmpty();
  }

  @Test
  void placeholders_areFilledPerRequest() {
    BodyTemplate t = BodyTemplate.parse("{\"n\":{{seq}},\"id\":\"{{ uuid }}\",\"r\":{{random:3}}}");
    assertThat(t.isFixed()).isFalse();
    String first = render(t, 41);
    assertThat(first).matches("\\{\"n\":41,\"id\":\"[0-9a-f-]{36}\",\"r\":[012]}");
    assertThat(render(t, 42)).startsWith("{\"n\":42,").isNotEqualTo(first);
  }

  @Test
  void anUnknownOrOutOfRangePlaceholder_isNamed_withWhatIsExpected() {
    assertThatThrownBy(() -> BodyTemplate.parse("{\"a\":{{sequence}}}"))
        .hasMessageContaining("{{sequence}}")
        .hasMessageContaining("expected: {{seq}}, {{uuid}} or {{random:N}}");
    assertThatThrownBy(() -> BodyTemplate.parse("{{random:0}}")).hasMessageContaining("random:0");
    assertThatThrownBy(() -> BodyTemplate.parse("{{random:99999999999}}"))
        .hasMessageContaining("unknown placeholder");
    // A caller's long name is cut in the message.
    assertThatThrownBy(() -> BodyTemplate.parse("{{" + "x".repeat(60) + "}}"))
        .hasMessageContaining("x".repeat(32) + "...}}");
  }
}
