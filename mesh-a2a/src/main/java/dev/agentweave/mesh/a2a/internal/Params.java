package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading optional JSON-RPC params; a value of the wrong type is -32602 naming its field. */
final class Params {
  private Params() {}

  static String text(JsonNode p, String field) {
    JsonNode n = p.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw RpcException.invalidParams("params." + field + ": expected a string");
    }
    return n.asText();
  }

  static boolean bool(JsonNode o, String field, String at, boolean absent) {
    JsonNode n = o == null ? null : o.get(field);
    if (n == null || n.isNull() || n.isMissingNode()) {
      return absent;
    }
    if (!n.isBoolean()) {
      throw RpcException.invalidParams(at + ": expected true or false");
    }
    return n.asBoolean();
  }

  static int historyLength(JsonNode o, String at) {
    JsonNode n = o == null ? null : o.get("historyLength");
    if (n == null || n.isNull() || n.isMissingNode()) {
      return -1;
    }
    if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > Integer.MAX_VALUE) {
      throw RpcException.invalidParams(at + ": expected an integer >= 0");
    }
    return n.asInt();
  }
}
