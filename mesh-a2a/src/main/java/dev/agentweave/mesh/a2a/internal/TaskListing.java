package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.a2a.internal.A2aTask.State;
import dev.agentweave.mesh.a2a.internal.A2aWire.Version;
import dev.agentweave.mesh.support.Bounded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/**
 * {@code ListTasks} (A2A 1.0): the caller's own tasks, the most recently updated first, in pages
 * whose token is an opaque offset.
 */
final class TaskListing {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 100;

  private TaskListing() {}

  static JsonNode list(TaskStore tasks, SpiffeId caller, JsonNode p) {
    String contextId = Params.text(p, "contextId");
    String statusName = Params.text(p, "status");
    State status = null;
    if (statusName != null) {
      status = State.parse(statusName);
      if (status == null || !statusName.startsWith("TASK_STATE_")) {
        throw RpcException.invalidParams(
            "params.status: '" + Bounded.shown(statusName) + "' (expected: a TASK_STATE_ name)");
      }
    }
    int pageSize = DEFAULT_PAGE;
    if (p.has("pageSize")) {
      JsonNode n = p.get("pageSize");
      if (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > MAX_PAGE) {
        throw RpcException.invalidParams("params.pageSize: expected an integer in 1.." + MAX_PAGE);
      }
      pageSize = n.asInt();
    }
    int offset = offset(Params.text(p, "pageToken"));
    Instant after = null;
    String afterText = Params.text(p, "statusTimestampAfter");
    if (afterText != null) {
      try {
        after = Instant.parse(afterText);
      } catch (DateTimeParseException e) {
        throw RpcException.invalidParams(
            "params.statusTimestampAfter: expected an RFC 3339 time such as 2026-01-01T00:00:00Z");
      }
    }
    boolean artifacts = Params.bool(p, "includeArtifacts", "params.includeArtifacts", false);
    int history = Params.historyLength(p, "params.historyLength");
    State wanted = status;
    Instant since = after;
    List<A2aTask> all =
        tasks.list(
            caller,
            t ->
                (contextId == null || t.contextId.equals(contextId))
                    && (wanted == null || t.state() == wanted)
                    && (since == null || t.updated().isAfter(since)));
    List<A2aTask> page =
        all.subList(Math.min(offset, all.size()), Math.min(offset + pageSize, all.size()));
    ObjectNode out = F.objectNode();
    ArrayNode list = out.putArray("tasks");
    for (A2aTask t : page) {
      list.add(A2aWire.task(t.snapshot(), Version.V10, history, artifacts));
    }
    int next = offset + page.size();
    out.put("nextPageToken", next < all.size() ? token(next) : "");
    out.put("pageSize", pageSize);
    out.put("totalSize", all.size());
    return out;
  }

  private static String token(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("o" + offset).getBytes(StandardCharsets.US_ASCII));
  }

  private static int offset(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      if (s.startsWith("o")) {
        int o = Integer.parseInt(s.substring(1));
        if (o >= 0) {
          return o;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw RpcException.invalidParams(
        "params.pageToken: not a token this node gave (use nextPageToken of the previous page)");
  }
}
