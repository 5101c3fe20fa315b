package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.a2a.internal.A2aTask.Artifact;
import dev.agentweave.mesh.a2a.internal.A2aTask.Message;
import dev.agentweave.mesh.a2a.internal.A2aTask.Part;
import dev.agentweave.mesh.a2a.internal.A2aTask.Snapshot;
import dev.agentweave.mesh.support.Bounded;
import java.util.ArrayList;
import java.util.List;

/**
 * The A2A wire shapes of messages, parts and tasks in the protocol's two versions: 0.3 (a {@code
 * kind} on every object, states such as {@code completed}, roles {@code user} and {@code agent})
 * and 1.0 (ProtoJSON: no {@code kind}, a part is the one field it has, states such as {@code
 * TASK_STATE_COMPLETED}, roles {@code ROLE_USER} and {@code ROLE_AGENT}).
 */
final class A2aWire {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_ID = 256;

  /** The protocol versions served. */
  enum Version {
    V03("0.3", "0.3.0"),
    V10("1.0", "1.0");

    final String header;
    final String cardVersion;

    Version(String header, String cardVersion) {
      this.header = header;
      this.cardVersion = cardVersion;
    }
  }

  private A2aWire() {}

  // ---- reading a message ------------------------------------------------------------------------

  /**
   * The message of a send request, checked.
   *
   * @throws RpcException -32602 naming the field that is wrong and what was expected
   */
  static Message message(JsonNode m, Version v) {
    String at = "params.message";
    if (m == null || !m.isObject()) {
      throw RpcException.invalidParams(at + ": missing (expected: the message to send)");
    }
    if (v == Version.V03 && m.has("kind") && !"message".equals(m.get("kind").asText())) {
      throw RpcException.invalidParams(at + ".kind: expected \"message\"");
    }
    String id = id(m.get("messageId"), at + ".messageId");
    JsonNode role = m.get("role");
    String user = v == Version.V03 ? "user" : "ROLE_USER";
    if (role == null || !role.isTextual() || !role.asText().equals(user)) {
      throw RpcException.invalidParams(
          at
              + ".role: "
              + shown(role)
              + " (expected: \""
              + user
              + "\"; a message to an agent comes from its user)");
    }
    JsonNode parts = m.get("parts");
    if (parts == null || !parts.isArray() || parts.isEmpty()) {
      throw RpcException.invalidParams(at + ".parts: expected a non-empty array of parts");
    }
    List<Part> read = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      read.add(part(parts.get(i), at + ".parts[" + i + "]", v));
    }
    JsonNode metadata = m.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      throw RpcException.invalidParams(at + ".metadata: expected an object");
    }
    return new Message(id, false, List.copyOf(read), metadata == null ? null : metadata);
  }

  /** An optional id field of a message ({@code contextId}, {@code taskId}): text when present. */
  static String optionalId(JsonNode m, String field) {
    JsonNode n = m == null ? null : m.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    return id(n, "params.message." + field);
  }

  private static String id(JsonNode n, String at) {
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw RpcException.invalidParams(at + ": " + shown(n) + " (expected: a non-empty string)");
    }
    if (n.asText().length() > MAX_ID) {
      throw RpcException.invalidParams(at + ": longer than " + MAX_ID + " characters");
    }
    return n.asText();
  }

  private static Part part(JsonNode p, String at, Version v) {
    if (p == null || !p.isObject()) {
      throw RpcException.invalidParams(at + ": expected an object");
    }
    if (v == Version.V03) {
      String kind = p.path("kind").asText("");
      switch (kind) {
        case "text":
          return text(p.get("text"), at);
        case "data":
          JsonNode data = p.get("data");
          if (data == null || !data.isObject()) {
            throw RpcException.invalidParams(at + ".data: expected an object");
          }
          return new Part(null, data);
        case "file":
          throw RpcException.contentType(at + ": file parts are not accepted (send text or data)");
        default:
          throw RpcException.invalidParams(
              at + ".kind: " + shown(p.get("kind")) + " (expected: \"text\" or \"data\")");
      }
    }
    if (p.has("text")) {
      return text(p.get("text"), at);
    }
    if (p.has("data")) {
      return new Part(null, p.get("data"));
    }
    if (p.has("url") || p.has("raw")) {
      throw RpcException.contentType(
          at + ": url and raw parts are not accepted (send text or data)");
    }
    throw RpcException.invalidParams(at + ": expected a part with text or data");
  }

  private static Part text(JsonNode t, String at) {
    if (t == null || !t.isTextual()) {
      throw RpcException.invalidParams(at + ".text: expected a string");
    }
    return new Part(t.asText(), null);
  }

  private static String shown(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "missing";
    }
    return Bounded.shown(n.toString());
  }

  // ---- writing
  // ------------------------------------------------------------------------------------

  /** A task in the version's shape, with at most {@code historyLength} messages (all if < 0). */
  static ObjectNode task(Snapshot t, Version v, int historyLength, boolean withArtifacts) {
    ObjectNode o = F.objectNode();
    if (v == Version.V03) {
      o.put("kind", "task");
    }
    o.put("id", t.id());
    o.put("contextId", t.contextId());
    ObjectNode status = o.putObject("status");
    status.put("state", v == Version.V03 ? t.state().v03 : t.state().v10());
    if (t.statusMessage() != null) {
      status.set("message", message(t.statusMessage(), t, v));
    }
    status.put("timestamp", t.updated().toString());
    if (withArtifacts && !t.artifacts().isEmpty()) {
      ArrayNode artifacts = o.putArray("artifacts");
      for (Artifact a : t.artifacts()) {
        ObjectNode ao = artifacts.addObject();
        ao.put("artifactId", a.artifactId());
        ao.put("name", a.name());
        ao.set("parts", parts(a.parts(), v));
      }
    }
    List<Message> history = t.history();
    int from = historyLength < 0 ? 0 : Math.max(0, history.size() - historyLength);
    if (from < history.size()) {
      ArrayNode h = o.putArray("history");
      for (Message m : history.subList(from, history.size())) {
        h.add(message(m, t, v));
      }
    }
    return o;
  }

  /** A status update event: 1.0 {@code {"statusUpdate": ...}}, 0.3 a {@code status-update}. */
  static ObjectNode statusUpdate(Snapshot t, Version v) {
    ObjectNode u = F.objectNode();
    if (v == Version.V03) {
      u.put("kind", "status-update");
    }
    u.put("taskId", t.id());
    u.put("contextId", t.contextId());
    ObjectNode status = u.putObject("status");
    status.put("state", v == Version.V03 ? t.state().v03 : t.state().v10());
    if (t.statusMessage() != null) {
      status.set("message", message(t.statusMessage(), t, v));
    }
    status.put("timestamp", t.updated().toString());
    if (v == Version.V03) {
      u.put("final", t.state().terminal());
      return u;
    }
    return F.objectNode().set("statusUpdate", u);
  }

  /** An artifact event, the whole artifact in one: 1.0 {@code {"artifactUpdate": ...}}. */
  static ObjectNode artifactUpdate(Snapshot t, Artifact a, Version v) {
    ObjectNode u = F.objectNode();
    if (v == Version.V03) {
      u.put("kind", "artifact-update");
    }
    u.put("taskId", t.id());
    u.put("contextId", t.contextId());
    ObjectNode ao = u.putObject("artifact");
    ao.put("artifactId", a.artifactId());
    ao.put("name", a.name());
    ao.set("parts", parts(a.parts(), v));
    u.put("append", false);
    u.put("lastChunk", true);
    return v == Version.V03 ? u : F.objectNode().set("artifactUpdate", u);
  }

  private static ObjectNode message(Message m, Snapshot t, Version v) {
    ObjectNode o = F.objectNode();
    if (v == Version.V03) {
      o.put("kind", "message");
    }
    o.put("messageId", m.messageId());
    o.put("role", v == Version.V03 ? (m.fromAgent() ? "agent" : "user") : role(m));
    o.set("parts", parts(m.parts(), v));
    o.put("contextId", t.contextId());
    o.put("taskId", t.id());
    if (m.metadata() != null && !m.metadata().isNull()) {
      o.set("metadata", m.metadata());
    }
    return o;
  }

  private static String role(Message m) {
    return m.fromAgent() ? "ROLE_AGENT" : "ROLE_USER";
  }

  private static ArrayNode parts(List<Part> parts, Version v) {
    ArrayNode out = F.arrayNode();
    for (Part p : parts) {
      ObjectNode o = out.addObject();
      if (p.text() != null) {
        if (v == Version.V03) {
          o.put("kind", "text");
        }
        o.put("text", p.text());
      } else {
        if (v == Version.V03) {
          o.put("kind", "data");
          // 0.3's data part holds an object; any other JSON value goes in as {"value": ...}
          o.set("data", p.data().isObject() ? p.data() : F.objectNode().set("value", p.data()));
        } else {
          o.set("data", p.data());
          o.put("mediaType", "application/json");
        }
      }
    }
    return out;
  }
}
