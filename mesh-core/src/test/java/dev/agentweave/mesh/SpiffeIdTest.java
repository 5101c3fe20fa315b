package dev.agentweave.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpiffeIdTest {
  @Test
  void parse_splitsTrustDomainAndPath_whenValid() {
    SpiffeId id = SpiffeId.parse("spiffe://example.org/agent/search");
    assertThat(id.trustDomain()).isEqualTo("example.org");
    assertThat(id.path()).isEqualTo("/agent/search");
    assertThat(id.agentName()).isEqualTo("search");
    assertThat(id).isEqualTo(SpiffeId.forAgent("example.org", "search"));
    assertThat(id.toString()).isEqualTo("spiffe://example.org/agent/search");
  }

  @Test
  void parse_acceptsTrustDomainOnly() {
    assertThat(SpiffeId.parse("spiffe://example.org").path()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://example.org/a|the scheme must be 'spiffe://'",
        "SPIFFE://example.org/a|lowercase 'spiffe'",
        "spiffe:///a|the trust domain is empty",
        "spiffe://Example.org/a|must be lowercase",
        "spiffe://example.org:8080/a|must not contain a port",
        "spiffe://user@example.org/a|must not contain user info",
        "spiffe://example.org/a/../b|'..' segment",
        "spiffe://example.org/a/./b|'.' segment",
        "spiffe://example.org/a//b|empty segment",
        "spiffe://example.org/a/|must not end with '/'",
        "spiffe://example.org/a?x=1|must not have a query",
        "spiffe://example.org/a#frag|must not have a fragment",
        "spiffe://example.org/a%20b|percent-encoded",
        "spiffe://exa mple.org/a|contains ' '",
      })
  void parse_rejectsWithTheRuleBroken(String value, String rule) {
    assertThatThrownBy(() -> SpiffeId.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(rule)
        .hasMessageContaining("expected: spiffe://<trust-domain>/<path>");
  }

  @Test
  void parse_rejectsOverlongIds() {
    String longId = "spiffe://example.org/" + "a".repeat(2100);
    assertThatThrownBy(() -> SpiffeId.parse(longId)).hasMessageContaining("longer than 2048");
    String longTd = "spiffe://" + "a".repeat(256) + "/x";
    assertThatThrownBy(() -> SpiffeId.parse(longTd)).hasMessageContaining("longer than 255");
  }

  @Test
  void forAgent_rejectsNamesWithSlash() {
    assertThatThrownBy(() -> SpiffeId.forAgent("example.org", "a/b"))
        .hasMessageContaining("one non-empty path segment");
  }

  @Test
  void pattern_starDoesNotCrossSlash() {
    SpiffeIdPattern p = SpiffeIdPattern.of("spiffe://example.org/agent/*");
    assertThat(p.matches("spiffe://example.org/agent/search")).isTrue();
    assertThat(p.matches("spiffe://example.org/agent/a/b")).isFalse();
    assertThat(p.matches("spiffe://example.org/agent/")).isTrue();
    assertThat(p.matches("spiffe://other.org/agent/search")).isFalse();
    SpiffeIdPattern anyDomain = SpiffeIdPattern.of("spiffe://*/agent/search");
    assertThat(anyDomain.matches(SpiffeId.parse("spiffe://x.org/agent/search"))).isTrue();
    assertThat(anyDomain.matches("spiffe://x.org/evil/agent/search")).isFalse();
    SpiffeIdPattern prefix = SpiffeIdPattern.of("spiffe://example.org/agent/admin*");
    assertThat(prefix.matches("spiffe://example.org/agent/admin-1")).isTrue();
    assertThat(prefix.matches("spiffe://example.org/agent/user")).isFalse();
    assertThat(
            SpiffeIdPattern.of("spiffe://example.org/agent/search")
                .matches("spiffe://example.org/agent/search2"))
        .isFalse();
  }

  @Test
  void pattern_rejectsInvalidText() {
    assertThatThrownBy(() -> SpiffeIdPattern.of("example.org/*"))
        .hasMessageContaining("expected: spiffe://");
    assertThatThrownBy(() -> SpiffeIdPattern.of("spiffe://example.org/a?b"))
        .hasMessageContaining("'?'");
  }
}
