package dev.agentweave.samples;

import dev.agentweave.mesh.CapabilityException;
import dev.agentweave.mesh.KeyedAgent;
import dev.agentweave.mesh.KeyedCapability;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A keyed sample agent: {@code conversations} keeps the messages of each conversation in the
 * conversation's entity, one live entity per conversation ID in the whole cluster. {@code append}
 * adds a message, {@code history} returns the latest ones. Answers name the node and the entity
 * incarnation that served them, so that tests and operators can watch entities spread and move.
 */
public final class ConversationAgent {
  /** Agent name. */
  public static final String NAME = "conversations";

  /** The most messages one conversation keeps; older ones are dropped first. */
  public static final int MAX_MESSAGES = 1_000;

  /**
   * A message to append.
   *
   * @param conversationId the conversation (the key)
   * @param role who speaks, for example {@code user} or {@code assistant}
   * @param text the message
   */
  public record Append(String conversationId, String role, String text) {}

  /**
   * A request for the latest messages.
   *
   * @param conversationId the conversation (the key)
   * @param last how many of the latest messages, 1 to {@value #MAX_MESSAGES}
   */
  public record HistoryRequest(String conversationId, int last) {}

  /**
   * One message.
   *
   * @param role who spoke
   * @param text what was said
   */
  public record Message(String role, String text) {}

  /**
   * The state of a conversation after a call.
   *
   * @param conversationId the conversation
   * @param appended messages appended since the entity started
   * @param messages the latest messages ({@code history}), or empty ({@code append})
   * @param instance the entity incarnation that answered
   * @param node the node that runs the entity
   */
  public record Conversation(
      String conversationId, long appended, List<Message> messages, String instance, String node) {}

  /** The state of one conversation, kept in its entity. */
  static final class State {
    final String instance = UUID.randomUUID().toString();
    final List<Message> messages = new ArrayList<>();
    long appended;
  }

  private ConversationAgent() {}

  /**
   * Creates the agent.
   *
   * @param node the name of the hosting node, reported in answers
   * @return the keyed agent
   */
  public static KeyedAgent<?> create(String node) {
    return KeyedAgent.<State>of(NAME, key -> new State())
        .withDescription("Conversation memory, one entity per conversation")
        .withCapability(
            KeyedCapability.<State, Append, Conversation>of(
                "append",
                Append.class,
                Conversation.class,
                Append::conversationId,
                (ctx, state, req) -> {
                  if (req.text() == null || req.text().isEmpty()) {
                    throw new CapabilityException("text is empty (expected: a message)");
                  }
                  state.messages.add(
                      new Message(req.role() == null ? "user" : req.role(), req.text()));
                  if (state.messages.size() > MAX_MESSAGES) {
                    state.messages.remove(0);
                  }
                  state.appended++;
                  return new Conversation(
                      req.conversationId(), state.appended, List.of(), state.instance, node);
                }))
        .withCapability(
            KeyedCapability.<State, HistoryRequest, Conversation>of(
                    "history",
                    HistoryRequest.class,
                    Conversation.class,
                    HistoryRequest::conversationId,
                    (ctx, state, req) -> {
                      if (req.last() < 1 || req.last() > MAX_MESSAGES) {
                        throw new CapabilityException(
                            "last: " + req.last() + " (expected: 1.." + MAX_MESSAGES + ")");
                      }
                      int from = Math.max(0, state.messages.size() - req.last());
                      return new Conversation(
                          req.conversationId(),
                          state.appended,
                          List.copyOf(state.messages.subList(from, state.messages.size())),
                          state.instance,
                          node);
                    })
                .withIdempotent(true));
  }
}
