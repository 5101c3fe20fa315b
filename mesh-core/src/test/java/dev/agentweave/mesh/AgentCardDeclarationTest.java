package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an agent declares for its card: version, provider, tags, examples, text capability. */
class AgentCardDeclarationTest {
  record Query(String query, int limit) {}

  static final Capability<Query, String> SEARCH =
      Capability.of("search", Query.class, String.class, (ctx, q) -> q.query());

  @Test
  void defaults_andDeclaredValues() {
    Agent plain = Agent.of("a");
    assertThat(plain.version()).isEqualTo(Agent.DEFAULT_VERSION);
    assertThat(plain.provider()).isEmpty();
    assertThat(plain.textCapability()).isEmpty();
    Agent a =
        plain
            .withCapability(SEARCH.withTags("x", "y").withExamples("find it"))
            .withVersion("2.0.0")
            .withProvider("Org", "https://example.org")
            .withTextCapability("search", t -> new Query(t, 5));
    assertThat(a.version()).isEqualTo("2.0.0");
    assertThat(a.provider().orElseThrow().organization()).isEqualTo("Org");
    assertThat(a.capability("search").orElseThrow().tags()).containsExactly("x", "y");
    assertThat(a.capability("search").orElseThrow().examples()).containsExactly("find it");
    assertThat(a.textRequest("hello")).isEqualTo(new Query("hello", 5));
    // the copies keep what was declared before them
    assertThat(a.withDescription("d").textCapability()).contains("search");
    assertThat(a.withTrustDomain("o.local").version()).isEqualTo("2.0.0");
  }

  @Test
  void aFieldTextCapability_putsTheTextInThatField() {
    Agent a = Agent.of("a").withCapability(SEARCH).withTextCapability("search", "query");
    assertThat(a.textRequest("hi")).isEqualTo(Map.of("query", "hi"));
  }

  @Test
  void mistakes_areNamed() {
    assertThatThrownBy(() -> Agent.of("a").withTextCapability("search", "query"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no capability 'search'");
    assertThatThrownBy(
            () -> Agent.of("a").withCapability(SEARCH).withTextCapability("search", "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no String component 'nope'");
    assertThatThrownBy(
            () -> Agent.of("a").withCapability(SEARCH).withTextCapability("search", "limit"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'limit'");
    assertThatThrownBy(
            () -> Agent.of("a").withCapability(SEARCH).withTextCapability("search", (String) null))
        .hasMessageContaining("name the field");
    assertThatThrownBy(() -> Agent.of("a").withVersion(" ")).hasMessageContaining("version");
    assertThatThrownBy(() -> Agent.of("a").withProvider("", "u")).hasMessageContaining("provider");
    assertThatThrownBy(() -> SEARCH.withTags("ok", " ")).hasMessageContaining("tag");
    assertThatThrownBy(() -> SEARCH.withExamples((String) null)).hasMessageContaining("example");
    assertThatThrownBy(() -> Agent.of("a").textRequest("x"))
        .isInstanceOf(IllegalStateException.class);
  }
}
