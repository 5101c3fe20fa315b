package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.SpiffeId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A keyed agent hosted on this node, as the module that runs its entities sees it ({@link
 * dev.agentweave.mesh.node.MeshNode#keyedAgents()}): it makes a key's state and runs one call
 * against it. The caller of {@link #handle} must run calls of one key one at a time, and start the
 * next only once the stage of the previous one completed.
 */
public interface KeyedAgentHost {
  /** The agent's identity. */
  SpiffeId spiffeId();

  /** The idle time after which the agent's entities stop, when the agent sets one. */
  Optional<Duration> passivation();

  /**
   * A new state for a key.
   *
   * @param key the key
   * @return the state
   */
  Object newState(String key);

  /**
   * Runs one call on the entity's node: inbound authorization with the call's caller, the
   * capability's peer patterns, request mapping, the handler on the key's state, the response as
   * JSON.
   *
   * @param state the key's state
   * @param call the call
   * @return the response as JSON, or a failure with a {@link dev.agentweave.mesh.MeshException}
   */
  CompletionStage<byte[]> handle(Object state, EntityCall call);
}
