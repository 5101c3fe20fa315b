package dev.agentweave.mesh.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.JsonErrors;
import java.io.IOException;
import java.util.Locale;

/**
 * The body of {@code POST /task}: a JSON object whose {@code action} names the capability and whose
 * other fields are the capability's request, read with the node's strict mapper. Stateless.
 *
 * @param action the capability, shaped like a capability name
 * @param fields the request: every field but {@code action}
 */
public record TaskBody(String action, ObjectNode fields) {
  /**
   * Reads a task body.
   *
   * @param json the node's (strict) mapper
   * @param body the bytes received
   * @return the action and the request fields
   * @throws InvalidRequestException naming what is wrong and what was expected (never a Java name)
   */
  public static TaskBody parse(ObjectMapper json, byte[] body) {
    JsonNode tree;
    try {
      tree = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(JsonErrors.malformed(e, " in the request body"));
    } catch (IOException e) {
      throw new InvalidRequestException("the request body could not be read");
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidRequestException(
          "the request body is empty (expected: a JSON object such as {\"action\": \"search\"})");
    }
    if (!(tree instanceof ObjectNode o)) {
      throw new InvalidRequestException(
          "the request body is a JSON "
              + tree.getNodeType().name().toLowerCase(Locale.ROOT)
              + " (expected: an object with an \"action\" field)");
    }
    JsonNode a = o.remove("action");
    if (a == null) {
      throw new InvalidRequestException(
          "field 'action' is missing (expected: the name of a capability, a string)");
    }
    if (!a.isTextual() || a.asText().isEmpty()) {
      throw new InvalidRequestException(
          "field 'action': "
              + Bounded.shown(a.toString())
              + " (expected: the name of a capability, a non-empty string)");
    }
    if (!Bounded.isCapabilityName(a.asText())) {
      throw new InvalidRequestException(badAction("field 'action'", a.asText()));
    }
    return new TaskBody(a.asText(), o);
  }

  /**
   * The message for an action name that cannot name a capability.
   *
   * @param where the field or header it came in
   * @param action the name (cut when long)
   * @return the message
   */
  public static String badAction(String where, String action) {
    return where
        + ": '"
        + Bounded.shown(action)
        + "' (expected: a capability name, a lowercase letter then up to 62 lowercase letters,"
        + " digits or '_')";
  }
}
