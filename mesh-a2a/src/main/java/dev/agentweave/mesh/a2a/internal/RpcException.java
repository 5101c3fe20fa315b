package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A JSON-RPC error of the A2A binding: its code, a message that says what was wrong and what was
 * expected, and for A2A's own errors the specification's reason (written in 1.0 as a {@code
 * google.rpc.ErrorInfo} in {@code error.data}).
 */
final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  final int code;
  final String reason;
  final Map<String, String> metadata;
  final String field;

  private RpcException(
      int code, String message, String reason, Map<String, String> metadata, String field) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.metadata = metadata;
    this.field = field;
  }

  static RpcException parse(String message) {
    return new RpcException(-32700, message, null, Map.of(), null);
  }

  static RpcException invalidRequest(String message) {
    return new RpcException(-32600, message, null, Map.of(), null);
  }

  static RpcException methodNotFound(String message) {
    return new RpcException(-32601, message, null, Map.of(), null);
  }

  /** -32602; a message of the form {@code "params.x: what"} names the field {@code params.x}. */
  static RpcException invalidParams(String message) {
    int colon = message.indexOf(": ");
    String field =
        colon > 0 && !message.substring(0, colon).contains(" ")
            ? message.substring(0, colon)
            : null;
    return new RpcException(-32602, message, null, Map.of(), field);
  }

  static RpcException internal(String message) {
    return new RpcException(-32603, message, null, Map.of(), null);
  }

  static RpcException taskNotFound(String id) {
    return new RpcException(
        -32001,
        "task '" + dev.agentweave.mesh.support.Bounded.shown(id) + "' not found",
        "TASK_NOT_FOUND",
        Map.of("taskId", dev.agentweave.mesh.support.Bounded.cut(id, 256)),
        null);
  }

  static RpcException notCancelable(String id, String state) {
    return new RpcException(
        -32002,
        "task '" + id + "' has ended (" + state + ") and cannot be canceled",
        "TASK_NOT_CANCELABLE",
        Map.of("taskId", id),
        null);
  }

  static RpcException pushNotSupported() {
    return new RpcException(
        -32003,
        "push notifications are not supported by this agent (its card says"
            + " capabilities.pushNotifications: false)",
        "PUSH_NOTIFICATION_NOT_SUPPORTED",
        Map.of(),
        null);
  }

  static RpcException unsupported(String message) {
    return new RpcException(-32004, message, "UNSUPPORTED_OPERATION", Map.of(), null);
  }

  static RpcException contentType(String message) {
    return new RpcException(-32005, message, "CONTENT_TYPE_NOT_SUPPORTED", Map.of(), null);
  }

  static RpcException noExtendedCard() {
    return new RpcException(
        -32007,
        "this agent has no extended card (its card says it does not)",
        "EXTENDED_AGENT_CARD_NOT_CONFIGURED",
        Map.of(),
        null);
  }

  static RpcException versionNotSupported(String asked) {
    return new RpcException(
        -32009,
        "A2A-Version '"
            + dev.agentweave.mesh.support.Bounded.shown(asked)
            + "' is not supported (expected: 1.0, or 0.3 or no header for 0.3)",
        "VERSION_NOT_SUPPORTED",
        Map.of("supportedVersions", "0.3,1.0"),
        null);
  }

  /** The whole JSON-RPC error response. */
  ObjectNode response(JsonNode id, A2aWire.Version v) {
    ObjectNode r = F.objectNode();
    r.put("jsonrpc", "2.0");
    r.set("id", id == null ? F.nullNode() : id);
    ObjectNode error = r.putObject("error");
    error.put("code", code);
    error.put("message", getMessage());
    if (v == A2aWire.Version.V10 && reason != null) {
      ArrayNode data = error.putArray("data");
      ObjectNode info = data.addObject();
      info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
      info.put("reason", reason);
      info.put("domain", "a2a-protocol.org");
      ObjectNode meta = info.putObject("metadata");
      metadata.forEach(meta::put);
    } else if (v == A2aWire.Version.V10 && field != null) {
      ArrayNode data = error.putArray("data");
      ObjectNode bad = data.addObject();
      bad.put("@type", "type.googleapis.com/google.rpc.BadRequest");
      ObjectNode violation = bad.putArray("fieldViolations").addObject();
      violation.put("field", field);
      violation.put("description", getMessage().substring(field.length() + 2));
    }
    return r;
  }
}
