package dev.agentweave.mesh.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
  record Query(String query, int limit) {}

  record Measure(double value) {}

  enum Mode {
    FAST,
    SAFE
  }

  record WithMode(Mode mode, List<String> tags, boolean on) {}

  private final ObjectMapper json = Json.newMapper();

  private String refusal(String body, Class<?> type) {
    try {
      json.readValue(body.getBytes(StandardCharsets.UTF_8), type);
    } catch (JsonProcessingException e) {
      return JsonErrors.describe(e);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + body);
  }

  private String treeRefusal(String body) {
    try {
      json.readTree(body.getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      return JsonErrors.malformed(e);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void readsWellFormedRequests() throws Exception {
    assertThat(json.readValue("{\"query\":\"q\",\"limit\":10}", Query.class))
        .isEqualTo(new Query("q", 10));
    assertThat(json.readValue("{\"value\":1e308}", Measure.class).value()).isEqualTo(1e308);
    assertThat(json.readValue("{\"value\":10}", Measure.class).value()).isEqualTo(10.0);
  }

  @Test
  void duplicateKeys_areRefusedNamingTheKey() {
    assertThat(treeRefusal("{\"action\":\"search\",\"action\":\"process\"}"))
        .contains("duplicate field 'action'")
        .contains("line 1, column");
    assertThat(refusal("{\"query\":\"a\",\"query\":\"b\",\"limit\":1}", Query.class))
        .contains("duplicate field 'query'");
  }

  @Test
  void trailingData_isRefused() {
    assertThat(treeRefusal("{\"action\":\"search\"} x")).contains("malformed JSON");
    assertThat(treeRefusal("{\"action\":\"search\"}{\"action\":\"search\"}"))
        .contains("data after the JSON value");
    assertThat(refusal("{\"query\":\"a\",\"limit\":1} []", Query.class))
        .contains("data after the JSON value");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"query\": 1, \"limit\": 1}|field 'query': 1 is an integer (expected: a string)",
        "{\"query\": true, \"limit\": 1}|field 'query': true is a boolean (expected: a string)",
        "{\"query\": \"q\", \"limit\": \"10\"}|field 'limit': a string (expected: an integer",
        "{\"query\": \"q\", \"limit\": 1.5}|field 'limit': 1.5 is a number with a fraction or exponent"
            + " (expected: an integer",
        "{\"query\": \"q\", \"limit\": null}|field 'limit': null (expected: an integer",
        "{\"query\": \"q\", \"limit\": 99999999999}|field 'limit'",
        "{\"query\": \"q\", \"limit\": 1, \"lmit\": 2}|field 'lmit': not a field of this request"
            + " (expected: one of limit, query)",
      })
  void scalars_areNotCoerced(String body, String message) {
    String refused = refusal(body, Query.class);
    assertThat(refused).contains(message);
    assertNoJavaNames(refused);
  }

  @Test
  void enumsArraysAndBooleans_sayWhatIsExpected() {
    String mode = refusal("{\"mode\":\"SLOW\",\"tags\":[],\"on\":true}", WithMode.class);
    assertThat(mode).contains("field 'mode'").contains("one of FAST, SAFE");
    String tags = refusal("{\"mode\":\"FAST\",\"tags\":\"a\",\"on\":true}", WithMode.class);
    assertThat(tags).contains("field 'tags'").contains("a string (expected: an array)");
    String on = refusal("{\"mode\":\"FAST\",\"tags\":[],\"on\":\"yes\"}", WithMode.class);
    assertThat(on).contains("field 'on'").contains("expected: true or false");
    String onInt = refusal("{\"mode\":\"FAST\",\"tags\":[],\"on\":1}", WithMode.class);
    assertThat(onInt).contains("field 'on'");
    for (String m : List.of(mode, tags, on, onInt)) {
      assertNoJavaNames(m);
    }
  }

  @Test
  void numbersOutOfRange_areRefused_inRecordsMapsAndTrees() {
    assertThat(refusal("{\"value\":1e999999}", Measure.class))
        .contains("field 'value'")
        .contains("number 1e999999 is out of range");
    assertThat(refusal("{\"data\":{\"x\":-1e400}}", Map.class)).contains("out of range");
    assertThat(treeRefusal("{\"action\":\"a\",\"data\":[1e999999]}")).contains("out of range");
  }

  @Test
  void deepNesting_isRefusedWithALimit() {
    String deep = "[".repeat(Json.MAX_NESTING + 1) + "]".repeat(Json.MAX_NESTING + 1);
    assertThat(treeRefusal(deep)).contains("nested deeper than " + Json.MAX_NESTING);
  }

  @Test
  void mappingMessages_nameNoJavaType() {
    String m =
        JsonErrors.doesNotMap(
            "request for",
            "search",
            "spiffe://example.org/agent/search",
            Query.class,
            catchMapping("[1,2]", Query.class));
    assertThat(m)
        .startsWith("request for 'search' of spiffe://example.org/agent/search does not map: ");
    assertNoJavaNames(m);
    String map = JsonErrors.describe(catchMapping("[1]", Map.class));
    assertNoJavaNames(map);
    assertThat(map).contains("an array (expected: an object)");
  }

  @Test
  void freeFormNumbers_roundTripAsNumbers() throws Exception {
    JsonNode tree = json.readTree("{\"x\":1.5e300,\"n\":12345678901234567890}");
    assertThat(json.writeValueAsString(tree))
        .isEqualTo("{\"x\":1.5E300,\"n\":12345678901234567890}");
  }

  private Throwable catchMapping(String body, Class<?> type) {
    try {
      json.readValue(body, type);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("accepted: " + body);
  }

  static void assertNoJavaNames(String message) {
    assertThat(message)
        .doesNotContain("java.")
        .doesNotContain("dev.agentweave")
        .doesNotContain("`")
        .doesNotContain("class ")
        .doesNotContain("Jackson")
        .doesNotContain("Exception")
        .doesNotContain("DeserializationFeature")
        .doesNotContain("$");
  }

  @Test
  void longFieldNames_areCutInMessages() {
    String name = "f".repeat(10_000);
    String m = refusal("{\"query\":\"q\",\"limit\":1,\"" + name + "\":1}", Query.class);
    assertThat(m.length()).isLessThan(500);
    assertThat(m).contains("...[+");
  }

  @Test
  void parserAdvice_isNotShown() {
    // found by TaskBodyFuzzTest: Jackson advises enabling one of its features by name
    String plus = treeRefusal("{\"action\": +1}");
    assertThat(plus).contains("malformed JSON").doesNotContain("JsonReadFeature");
    assertNoJavaNames(plus);
    String nan = treeRefusal("{\"x\": NaN}");
    assertNoJavaNames(nan);
    assertThat(nan).doesNotContain("enable");
  }
}
