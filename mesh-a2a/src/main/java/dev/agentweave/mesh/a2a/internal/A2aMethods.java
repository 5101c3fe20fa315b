package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.PermissionDeniedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.a2a.internal.A2aTask.Artifact;
import dev.agentweave.mesh.a2a.internal.A2aTask.Message;
import dev.agentweave.mesh.a2a.internal.A2aTask.Part;
import dev.agentweave.mesh.a2a.internal.A2aTask.State;
import dev.agentweave.mesh.a2a.internal.A2aWire.Version;
import dev.agentweave.mesh.http.spi.GatewayRequest;
import dev.agentweave.mesh.spi.NodeContext;
import dev.agentweave.mesh.support.Bounded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The A2A methods of both protocol versions, run against the node's capabilities: a message becomes
 * a task that runs one capability through the node's inbound calls (authorized and audited like
 * every call, the caller being the client certificate's SPIFFE ID), and the capability's answer
 * becomes the task's artifact.
 */
final class A2aMethods {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static final Map<String, String> V03_TO_V10 =
      Map.ofEntries(
          Map.entry("message/send", "SendMessage"),
          Map.entry("message/stream", "SendStreamingMessage"),
          Map.entry("tasks/get", "GetTask"),
          Map.entry("tasks/cancel", "CancelTask"),
          Map.entry("tasks/resubscribe", "SubscribeToTask"),
          Map.entry("tasks/pushNotificationConfig/set", "CreateTaskPushNotificationConfig"),
          Map.entry("tasks/pushNotificationConfig/get", "GetTaskPushNotificationConfig"),
          Map.entry("tasks/pushNotificationConfig/list", "ListTaskPushNotificationConfigs"),
          Map.entry("tasks/pushNotificationConfig/delete", "DeleteTaskPushNotificationConfig"),
          Map.entry("agent/getAuthenticatedExtendedCard", "GetExtendedAgentCard"));

  private final NodeContext node;
  private final TaskStore tasks;
  private final ObjectMapper json;

  A2aMethods(NodeContext node, TaskStore tasks) {
    this.node = node;
    this.tasks = tasks;
    this.json = node.inbound().json();
  }

  /** The answer of a streaming method: its events, each the result of one JSON-RPC response. */
  record EventStream(Source<JsonNode, NotUsed> events) {}

  /**
   * Runs one method; the stage completes with a JSON result or an {@link EventStream}, and fails
   * with an {@link RpcException} for a JSON-RPC error.
   */
  CompletionStage<Object> call(
      GatewayRequest request,
      Agent agent,
      Version v,
      String method,
      JsonNode params,
      Duration left,
      long bodyBytes) {
    JsonNode p = params == null || params.isNull() ? F.objectNode() : params;
    String name = canonical(method, v);
    SpiffeId caller = request.caller();
    switch (name) {
      case "SendMessage":
        return send(request, agent, v, p, left, false, bodyBytes);
      case "SendStreamingMessage":
        return send(request, agent, v, p, left, true, bodyBytes);
      case "GetTask":
        return done(get(caller, v, p));
      case "CancelTask":
        return done(cancel(caller, v, p));
      case "ListTasks":
        return done(TaskListing.list(tasks, caller, p));
      case "SubscribeToTask":
        return done(subscribe(caller, v, p));
      case "CreateTaskPushNotificationConfig":
      case "GetTaskPushNotificationConfig":
      case "ListTaskPushNotificationConfigs":
      case "DeleteTaskPushNotificationConfig":
        throw RpcException.pushNotSupported();
      case "GetExtendedAgentCard":
        throw RpcException.noExtendedCard();
      default:
        throw new IllegalStateException(name);
    }
  }

  /** The 1.0 name of a method of the request's version, or -32601 naming what was meant. */
  private static String canonical(String method, Version v) {
    boolean v03 = V03_TO_V10.containsKey(method) || method.equals("tasks/list");
    boolean v10 = V03_TO_V10.containsValue(method) || method.equals("ListTasks");
    if (v == Version.V03 && v03 && !method.equals("tasks/list")) {
      return V03_TO_V10.get(method);
    }
    if (v == Version.V10 && v10) {
      return method;
    }
    String shown = Bounded.shown(method);
    if (v == Version.V03 && v10) {
      throw RpcException.methodNotFound(
          "'"
              + shown
              + "' is an A2A 1.0 method, and this request is A2A 0.3 (no A2A-Version header);"
              + " send the header A2A-Version: 1.0"
              + (method.equals("ListTasks") ? "" : ", or call " + v03Name(method)));
    }
    if (v == Version.V10 && v03) {
      throw RpcException.methodNotFound(
          "'"
              + shown
              + "' is an A2A 0.3 method, and this request is A2A 1.0 (A2A-Version: 1.0); call "
              + V03_TO_V10.getOrDefault(method, "ListTasks")
              + " or drop the header for 0.3");
    }
    throw RpcException.methodNotFound(
        "method '"
            + shown
            + "' not found (A2A "
            + v.header
            + " methods: "
            + (v == Version.V03
                ? String.join(", ", new java.util.TreeSet<>(V03_TO_V10.keySet()))
                : String.join(
                    ", ",
                    new java.util.TreeSet<>(
                        List.of(
                            "SendMessage",
                            "SendStreamingMessage",
                            "GetTask",
                            "ListTasks",
                            "CancelTask",
                            "SubscribeToTask",
                            "GetExtendedAgentCard"))))
            + ")");
  }

  private static String v03Name(String v10) {
    return V03_TO_V10.entrySet().stream()
        .filter(e -> e.getValue().equals(v10))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(v10);
  }

  // ---- SendMessage / message/send
  // -----------------------------------------------------------------

  private CompletionStage<Object> send(
      GatewayRequest request,
      Agent agent,
      Version v,
      JsonNode p,
      Duration left,
      boolean stream,
      long requestBytes) {
    JsonNode m = p.get("message");
    Message message = A2aWire.message(m, v);
    String taskId = A2aWire.optionalId(m, "taskId");
    if (taskId != null) {
      A2aTask existing =
          tasks.find(request.caller(), taskId).orElseThrow(() -> RpcException.taskNotFound(taskId));
      throw RpcException.unsupported(
          "task '"
              + existing.id
              + "' is "
              + existing.state().v03
              + "; this agent's tasks take one message each (send a new message without taskId)");
    }
    String contextId = A2aWire.optionalId(m, "contextId");
    JsonNode config = p.path("configuration");
    boolean wait =
        v == Version.V10
            ? !Params.bool(
                config, "returnImmediately", "params.configuration.returnImmediately", false)
            : Params.bool(config, "blocking", "params.configuration.blocking", true);
    int history = Params.historyLength(config, "params.configuration.historyLength");
    Call call = call(agent, message);
    Instant now = tasks.now();
    A2aTask task =
        new A2aTask(
            UUID.randomUUID().toString(),
            contextId != null ? contextId : UUID.randomUUID().toString(),
            request.caller(),
            message,
            requestBytes,
            now);
    tasks.add(task);
    run(task, agent, call, request, left);
    if (stream) {
      return done(events(task, v, history));
    }
    if (!wait) {
      return done(answer(task.snapshot(), v, history));
    }
    return task.settled()
        .completeOnTimeout(null, Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS)
        .thenApply(settled -> answer(settled != null ? settled : task.snapshot(), v, history));
  }

  /**
   * The events of a task from now on: the task as it is, then, once it settles, its artifacts and
   * its final status; the stream ends with the task (1.0 has no {@code final} flag: the end of the
   * stream is the end of the task).
   */
  private static EventStream events(A2aTask task, Version v, int history) {
    A2aTask.Snapshot now = task.snapshot();
    List<JsonNode> first = new java.util.ArrayList<>();
    first.add(answer(now, v, history));
    if (now.state().terminal()) {
      return new EventStream(Source.from(first)); // settled already: the task says it all
    }
    if (now.state() == State.WORKING) {
      first.add(A2aWire.statusUpdate(now, v));
    }
    Source<JsonNode, NotUsed> rest =
        Source.completionStage(task.settled())
            .mapConcat(
                settled -> {
                  List<JsonNode> out = new java.util.ArrayList<>();
                  for (Artifact a : settled.artifacts()) {
                    out.add(A2aWire.artifactUpdate(settled, a, v));
                  }
                  out.add(A2aWire.statusUpdate(settled, v));
                  return out;
                });
    return new EventStream(Source.from(first).concat(rest));
  }

  private EventStream subscribe(SpiffeId caller, Version v, JsonNode p) {
    A2aTask task = task(caller, p);
    State state = task.state();
    if (state.terminal()) {
      throw RpcException.unsupported(
          "task '"
              + task.id
              + "' has ended ("
              + (v == Version.V03 ? state.v03 : state.v10())
              + "); read it with "
              + (v == Version.V03 ? "tasks/get" : "GetTask"));
    }
    return events(task, v, -1);
  }

  private static JsonNode answer(A2aTask.Snapshot t, Version v, int history) {
    ObjectNode task = A2aWire.task(t, v, history, true);
    return v == Version.V10 ? F.objectNode().set("task", task) : task;
  }

  /** The capability a message runs, and its request. */
  private record Call(String capability, JsonNode request) {}

  private Call call(Agent agent, Message message) {
    String skill = null;
    JsonNode data = null;
    StringBuilder text = new StringBuilder();
    for (Part part : message.parts()) {
      if (part.data() != null && data == null) {
        data = part.data();
      } else if (part.text() != null) {
        text.append(text.length() > 0 ? "\n" : "").append(part.text());
      }
    }
    if (data != null && data.isObject() && data.path("skill").isTextual()) {
      skill = data.get("skill").asText();
      ObjectNode request = ((ObjectNode) data).deepCopy();
      request.remove("skill");
      data = request;
    } else if (message.metadata() != null && message.metadata().path("skill").isTextual()) {
      skill = message.metadata().get("skill").asText();
    }
    if (skill == null) {
      if (agent.textCapability().isPresent() && text.length() > 0 && data == null) {
        return new Call(agent.textCapability().get(), textRequest(agent, text.toString()));
      }
      throw RpcException.invalidParams(
          "params.message: names no skill (expected: a data part {\"skill\": \"<id>\", ...request}"
              + " or metadata.skill with the request as a data part"
              + (agent.textCapability().isPresent() ? ", or text parts alone" : "")
              + "; skills of '"
              + agent.name()
              + "': "
              + skills(agent)
              + ")");
    }
    String named = skill;
    Capability<?, ?> c =
        agent
            .capability(named)
            .filter(AgentCards::served)
            .orElseThrow(
                () ->
                    RpcException.invalidParams(
                        "params.message: agent '"
                            + agent.name()
                            + "' has no skill '"
                            + Bounded.shown(named)
                            + "' (its skills: "
                            + skills(agent)
                            + ")"));
    if (data == null) {
      if (text.length() > 0 && named.equals(agent.textCapability().orElse(null))) {
        return new Call(named, textRequest(agent, text.toString()));
      }
      if (text.length() > 0 && c.requestType() == String.class) {
        return new Call(named, F.textNode(text.toString()));
      }
      throw RpcException.invalidParams(
          "params.message.parts: skill '" + named + "' takes its request as a data part");
    }
    return new Call(named, data);
  }

  private JsonNode textRequest(Agent agent, String text) {
    try {
      return json.valueToTree(agent.textRequest(text));
    } catch (RuntimeException e) {
      throw RpcException.invalidParams(
          "params.message.parts: agent '"
              + agent.name()
              + "' cannot make a request of this text ("
              + Bounded.cut(String.valueOf(e.getMessage()), 200)
              + ")");
    }
  }

  private static String skills(Agent agent) {
    return agent.capabilities().stream()
        .filter(AgentCards::served)
        .map(Capability::name)
        .collect(Collectors.joining(", "));
  }

  private void run(A2aTask task, Agent agent, Call call, GatewayRequest request, Duration left) {
    if (!task.working(tasks.now())) {
      return;
    }
    SpiffeId target = agent.spiffeId(node.settings().agent().trustDomain());
    node.inbound()
        .call(
            request.caller(), target, call.capability(), call.request(), left, request.requestId())
        .whenComplete(
            (bytes, failure) -> {
              Instant now = tasks.now();
              if (failure == null) {
                task.settle(State.COMPLETED, artifact(call.capability(), bytes), null, now);
                return;
              }
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException c
                      ? c.getCause()
                      : failure;
              boolean denied = cause instanceof PermissionDeniedException;
              String why =
                  cause instanceof MeshException me && me.code() != ErrorCode.INTERNAL
                      ? me.getMessage()
                      : "internal error (request " + request.requestId() + ")";
              Message status =
                  new Message(
                      UUID.randomUUID().toString(), true, List.of(new Part(why, null)), null);
              task.settle(denied ? State.REJECTED : State.FAILED, null, status, now);
            });
  }

  private Artifact artifact(String capability, byte[] bytes) {
    JsonNode value;
    try {
      value = json.readTree(bytes);
    } catch (IOException e) {
      value = F.textNode(new String(bytes, StandardCharsets.UTF_8));
    }
    Part part = value.isTextual() ? new Part(value.asText(), null) : new Part(null, value);
    return new Artifact(UUID.randomUUID().toString(), capability, List.of(part), bytes.length);
  }

  // ---- GetTask, CancelTask, ListTasks
  // ---------------------------------------------------------------

  private JsonNode get(SpiffeId caller, Version v, JsonNode p) {
    A2aTask task = task(caller, p);
    return A2aWire.task(task.snapshot(), v, Params.historyLength(p, "params.historyLength"), true);
  }

  private JsonNode cancel(SpiffeId caller, Version v, JsonNode p) {
    A2aTask task = task(caller, p);
    if (!task.settle(State.CANCELED, null, null, tasks.now())) {
      throw RpcException.notCancelable(
          task.id, v == Version.V03 ? task.state().v03 : task.state().v10());
    }
    return A2aWire.task(task.snapshot(), v, -1, true);
  }

  private A2aTask task(SpiffeId caller, JsonNode p) {
    JsonNode id = p.get("id");
    if (id == null || !id.isTextual() || id.asText().isEmpty()) {
      throw RpcException.invalidParams("params.id: expected the task's id (a string)");
    }
    return tasks
        .find(caller, id.asText())
        .orElseThrow(() -> RpcException.taskNotFound(id.asText()));
  }

  // ---- params
  // -------------------------------------------------------------------------------------

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
