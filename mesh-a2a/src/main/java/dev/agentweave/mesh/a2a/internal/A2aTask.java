package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentweave.mesh.SpiffeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One A2A task: a message that runs one capability of one agent for one caller, and what came of
 * it. The protocol's shapes of it, per version, are made by {@link A2aWire}. Thread-safe: the
 * call's outcome and a cancel may race; the first to settle the task wins.
 */
final class A2aTask {
  /** A task's states, with their names in the 0.3 and 1.0 wire formats. */
  enum State {
    SUBMITTED("submitted"),
    WORKING("working"),
    INPUT_REQUIRED("input-required"),
    COMPLETED("completed"),
    CANCELED("canceled"),
    FAILED("failed"),
    REJECTED("rejected"),
    AUTH_REQUIRED("auth-required");

    final String v03;

    State(String v03) {
      this.v03 = v03;
    }

    /** The 1.0 name, {@code TASK_STATE_COMPLETED} and so on. */
    String v10() {
      return "TASK_STATE_" + name();
    }

    boolean terminal() {
      return this == COMPLETED || this == CANCELED || this == FAILED || this == REJECTED;
    }

    /** The state of a wire name of either version, or null. */
    static State parse(String wire) {
      for (State s : values()) {
        if (s.v03.equals(wire) || s.v10().equals(wire)) {
          return s;
        }
      }
      return null;
    }
  }

  /** One part of a message or artifact: text, or JSON data. */
  record Part(String text, JsonNode data) {}

  /** A message of the task's history, from the user or the agent. */
  record Message(String messageId, boolean fromAgent, List<Part> parts, JsonNode metadata) {}

  /**
   * An output of the task.
   *
   * @param size the bytes of the answer it was made of, which the task store counts
   */
  record Artifact(String artifactId, String name, List<Part> parts, long size) {}

  /** What a reader sees of a task at one moment. */
  record Snapshot(
      String id,
      String contextId,
      State state,
      Message statusMessage,
      Instant updated,
      List<Message> history,
      List<Artifact> artifacts) {}

  final String id;
  final String contextId;
  final SpiffeId owner;
  private final CompletableFuture<Snapshot> settled = new CompletableFuture<>();
  private State state = State.SUBMITTED;
  private Message statusMessage;
  private Instant updated;
  private final List<Message> history = new ArrayList<>();
  private final List<Artifact> artifacts = new ArrayList<>();
  private long bytes;

  /** What the task store has counted of {@link #bytes()}; guarded by the store's lock. */
  long accounted;

  /**
   * A new task.
   *
   * @param requestBytes the size of the request that carried its message, counted against the
   *     store's byte bound
   */
  A2aTask(
      String id,
      String contextId,
      SpiffeId owner,
      Message request,
      long requestBytes,
      Instant now) {
    this.id = id;
    this.bytes = requestBytes;
    this.contextId = contextId;
    this.owner = owner;
    this.updated = now;
    history.add(request);
  }

  /** Completes when the task reaches a terminal state, with its snapshot then. */
  CompletableFuture<Snapshot> settled() {
    return settled;
  }

  /** The bytes the task holds, about: its request and its answer. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized State state() {
    return state;
  }

  synchronized Instant updated() {
    return updated;
  }

  /** Moves a submitted task to working; false if it has settled meanwhile. */
  synchronized boolean working(Instant now) {
    if (state.terminal()) {
      return false;
    }
    state = State.WORKING;
    updated = now;
    return true;
  }

  /**
   * Settles the task, unless it has settled already.
   *
   * @param to a terminal state
   * @param artifact the result, or null
   * @param message the agent's status message (why it failed), or null
   * @return whether this call settled it
   */
  boolean settle(State to, Artifact artifact, Message message, Instant now) {
    Snapshot done;
    synchronized (this) {
      if (state.terminal()) {
        return false;
      }
      state = to;
      updated = now;
      statusMessage = message;
      if (artifact != null) {
        artifacts.add(artifact);
        bytes += artifact.size();
      }
      if (message != null) {
        history.add(message);
      }
      done = snapshot();
    }
    settled.complete(done);
    return true;
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(
        id, contextId, state, statusMessage, updated, List.copyOf(history), List.copyOf(artifacts));
  }
}
