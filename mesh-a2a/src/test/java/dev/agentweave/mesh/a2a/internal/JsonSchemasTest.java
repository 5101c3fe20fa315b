package dev.agentweave.mesh.a2a.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  enum Color {
    RED,
    GREEN
  }

  record Inner(double score, boolean ok) {}

  record Outer(
      String name,
      long count,
      Optional<String> note,
      List<Inner> items,
      Set<String> tags,
      Map<String, Integer> counts,
      Color color,
      byte[] blob,
      Object anything) {}

  record Node(String id, List<Node> children) {}

  @Test
  void records_becomeObjectsOfTheirComponents() {
    JsonNode s = JsonSchemas.of(Outer.class);
    assertThat(s.get("$schema").asText()).contains("2020-12");
    assertThat(s.get("type").asText()).isEqualTo("object");
    JsonNode p = s.get("properties");
    assertThat(p.get("name").get("type").asText()).isEqualTo("string");
    assertThat(p.get("count").get("type").asText()).isEqualTo("integer");
    assertThat(p.get("note").get("type").asText()).isEqualTo("string");
    assertThat(p.get("items").get("items").get("properties").get("score").get("type").asText())
        .isEqualTo("number");
    assertThat(p.get("tags").get("uniqueItems").asBoolean()).isTrue();
    assertThat(p.get("counts").get("additionalProperties").get("type").asText())
        .isEqualTo("integer");
    assertThat(p.get("color").get("enum").toString()).isEqualTo("[\"RED\",\"GREEN\"]");
    assertThat(p.get("blob").get("contentEncoding").asText()).isEqualTo("base64");
    assertThat(p.get("anything").isEmpty()).isTrue();
    // Optional components are not required; every other one is
    assertThat(s.get("required").toString()).doesNotContain("\"note\"").contains("\"blob\"");
  }

  @Test
  void aTypeInsideItself_isAnyValue_notAnEndlessSchema() {
    JsonNode s = JsonSchemas.of(Node.class);
    JsonNode children = s.get("properties").get("children");
    assertThat(children.get("type").asText()).isEqualTo("array");
    assertThat(children.has("items")).isFalse();
  }

  @Test
  void plainTypes() {
    assertThat(JsonSchemas.of(String.class).get("type").asText()).isEqualTo("string");
    assertThat(JsonSchemas.of(int.class).get("type").asText()).isEqualTo("integer");
    assertThat(JsonSchemas.of(Boolean.class).get("type").asText()).isEqualTo("boolean");
    assertThat(JsonSchemas.of(Map.class).get("type").asText()).isEqualTo("object");
  }
}
