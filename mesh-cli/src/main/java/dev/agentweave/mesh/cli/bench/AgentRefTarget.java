package dev.agentweave.mesh.cli.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.AgentRef;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.node.MeshNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Calls a capability through an {@link AgentRef} of a node started in this process as the config's
 * default agent: the whole call path of the framework (outbound authorization, the concurrency
 * limit, resolution, the pooled client for an agent on another node), as an agent of the user's
 * would call it. Failures are counted by their error code ({@code AgentRef overloaded}).
 */
public final class AgentRefTarget implements LoadTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeshNode node;
  private final AgentRef ref;
  private final String capability;
  private final BodyTemplate body;
  private final JsonNode fixed;
  private final Duration timeout;

  /**
   * Creates the target.
   *
   * @param node the in-process node, closed with the target
   * @param target the agent to call
   * @param capability the capability
   * @param body the request (a JSON object, without {@code action})
   * @param timeout each call's timeout
   * @throws IllegalArgumentException if the body is not a JSON object
   */
  public AgentRefTarget(
      MeshNode node, SpiffeId target, String capability, BodyTemplate body, Duration timeout) {
    this.node = requireNonNull(node, "node");
    this.capability = requireNonNull(capability, "capability");
    this.body = requireNonNull(body, "body");
    this.timeout = requireNonNull(timeout, "timeout");
    this.ref = node.agent(node.settings().agent().name()).ref(target).withTimeout(timeout);
    this.fixed = body.isFixed() ? parse(body.render(0)) : null;
  }

  /**
   * Reads a request body as a JSON object.
   *
   * @param bytes the body
   * @return the object
   * @throws IllegalArgumentException if it is not a JSON object
   */
  public static JsonNode parse(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("the body: not a JSON object (expected: {...})");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body: not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body: not readable JSON", e);
    }
  }

  @Override
  public CompletableFuture<Outcome> send(long seq) {
    JsonNode request;
    try {
      request = fixed != null ? fixed : parse(body.render(seq));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(Outcome.failed("client: body not a JSON object"));
    }
    return ref.ask(capability, request, JsonNode.class, timeout)
        .handle((r, e) -> e == null ? Outcome.OK : Outcome.failed(kindOf(e)))
        .toCompletableFuture();
  }

  private static String kindOf(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof MeshException m) {
      return "AgentRef " + m.code().wireName();
    }
    return LoadRun.kindOf(t);
  }

  @Override
  public String describe() {
    return ref.target() + " " + capability + " (AgentRef)";
  }

  @Override
  public String protocol() {
    return "AgentRef";
  }

  @Override
  public void close() {
    node.close();
  }
}
