package dev.agentweave.mesh.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.Json;
import dev.agentweave.mesh.support.JsonErrors;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the gateway's request mapping (Jazzer): any body of {@code POST /task}
 * is either an action shaped like a capability name with fields that map to a request record (or
 * are refused with a message), or refused as an {@link InvalidRequestException}; every message is
 * bounded and names no Java type or library. Seeds: {@code TaskBodyFuzzTestInputs/parse}.
 */
class TaskBodyFuzzTest {
  /** A request type like the samples' search request. */
  record Search(String query, int limit, List<String> tags, Map<String, Object> data) {}

  private static final ObjectMapper JSON = Json.newMapper();

  @FuzzTest(maxDuration = "30s")
  void parse(byte[] body) {
    String input = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    TaskBody task;
    try {
      task = TaskBody.parse(JSON, body);
    } catch (InvalidRequestException refused) {
      checkMessage(refused.getMessage(), input);
      return;
    }
    assertThat(Bounded.isCapabilityName(task.action())).isTrue();
    assertThat(task.fields().has("action")).isFalse();
    try {
      JSON.treeToValue(task.fields(), Search.class);
    } catch (JsonProcessingException | IllegalArgumentException mapping) {
      checkMessage(
          JsonErrors.doesNotMap(
              "request for", task.action(), "spiffe://x/agent/y", Search.class, mapping),
          input);
    }
  }

  /**
   * A message is bounded and names no Java type or library, except where it quotes the caller's own
   * text (a field or action name cut to 128 characters): a forbidden token may appear only if the
   * input has it too. (Found by fuzzing: an action {@code sea`ch} is quoted back as it is.)
   */
  private static void checkMessage(String message, String input) {
    assertThat(message).isNotBlank();
    assertThat(message.length()).isLessThan(1_500);
    for (String token :
        new String[] {
          "java.", "dev.agentweave", "`", "Exception", "jackson", "Jackson", "$", "class "
        }) {
      if (message.contains(token)) {
        assertThat(input).as("%s in %s", token, message).contains(token);
      }
    }
  }
}
