package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An immutable description of a keyed agent: an agent that keeps state per key (a conversation, an
 * account, a document) and runs as Pekko Cluster Sharding entities, one live instance per key in
 * the whole cluster. Every call names its key through the capability's key extractor; calls of one
 * key run one at a time on that key's state, wherever the entity lives.
 *
 * <pre>{@code
 * KeyedAgent<Counter> counters =
 *     KeyedAgent.of("counters", key -> new Counter())
 *         .withCapability(KeyedCapability.of("add", Add.class, Total.class, Add::counterId,
 *             (ctx, counter, req) -> new Total(req.counterId(), counter.add(req.amount()))))
 *         .withPassivation(Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Callers use an ordinary {@link AgentRef} to {@code spiffe://<trust-domain>/agent/<name>}.
 * Keyed agents need {@code cluster.enabled: true} (a single node is a one-node cluster). The state
 * lives in memory: an entity that is passivated after its idle time, or moved to another node when
 * nodes join or leave, starts again from the factory. Keep what must survive in a store of your
 * own.
 *
 * @param <S> the state type
 */
public final class KeyedAgent<S> {
  private final Agent identity;
  private final Function<String, S> stateFactory;
  private final List<KeyedCapability<S, ?, ?>> capabilities;
  private final Duration passivation;

  private KeyedAgent(
      Agent identity,
      Function<String, S> stateFactory,
      List<KeyedCapability<S, ?, ?>> capabilities,
      Duration passivation) {
    this.identity = identity;
    this.stateFactory = stateFactory;
    this.capabilities = capabilities;
    this.passivation = passivation;
  }

  /**
   * A keyed agent with no capabilities yet.
   *
   * @param name matching {@code ^[a-z][a-z0-9-]*$}, at most 63 characters
   * @param stateFactory makes the state of a key when its entity starts
   * @param <S> the state type
   * @return the agent
   * @throws IllegalArgumentException if the name is not valid
   */
  public static <S> KeyedAgent<S> of(String name, Function<String, S> stateFactory) {
    requireNonNull(stateFactory, "stateFactory");
    return new KeyedAgent<>(Agent.of(name), stateFactory, List.of(), null);
  }

  /**
   * A copy in the given trust domain instead of the node's.
   *
   * @param value a valid trust domain
   * @return the copy
   * @throws IllegalArgumentException if the trust domain is not valid
   */
  public KeyedAgent<S> withTrustDomain(String value) {
    return new KeyedAgent<>(
        identity.withTrustDomain(value), stateFactory, capabilities, passivation);
  }

  /**
   * A copy with a description.
   *
   * @param value the description
   * @return the copy
   */
  public KeyedAgent<S> withDescription(String value) {
    return new KeyedAgent<>(
        identity.withDescription(value), stateFactory, capabilities, passivation);
  }

  /**
   * A copy with one more capability.
   *
   * @param capability the capability
   * @return the copy
   * @throws IllegalArgumentException if the agent already has a capability of that name
   */
  public KeyedAgent<S> withCapability(KeyedCapability<S, ?, ?> capability) {
    requireNonNull(capability, "capability");
    if (capability(capability.name()).isPresent()) {
      throw new IllegalArgumentException(
          "capability '"
              + capability.name()
              + "' is declared twice on agent '"
              + identity.name()
              + "'");
    }
    List<KeyedCapability<S, ?, ?>> copy = new ArrayList<>(capabilities);
    copy.add(capability);
    return new KeyedAgent<>(identity, stateFactory, List.copyOf(copy), passivation);
  }

  /**
   * A copy whose entities stop after this long without calls, instead of {@code
   * cluster.sharding.passivation_idle_seconds}.
   *
   * @param idle a positive duration
   * @return the copy
   * @throws IllegalArgumentException if the duration is not positive
   */
  public KeyedAgent<S> withPassivation(Duration idle) {
    requireNonNull(idle, "idle");
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException("passivation: " + idle + " (expected: > 0)");
    }
    return new KeyedAgent<>(identity, stateFactory, capabilities, idle);
  }

  /** The agent name. */
  public String name() {
    return identity.name();
  }

  /** The trust domain when set explicitly. */
  public Optional<String> trustDomain() {
    return identity.trustDomain();
  }

  /** The description. */
  public String description() {
    return identity.description();
  }

  /** The capabilities, in declaration order. */
  public List<KeyedCapability<S, ?, ?>> capabilities() {
    return capabilities;
  }

  /**
   * The capability with the given name.
   *
   * @param capabilityName the name
   * @return the capability, if declared
   */
  public Optional<KeyedCapability<S, ?, ?>> capability(String capabilityName) {
    for (KeyedCapability<S, ?, ?> c : capabilities) {
      if (c.name().equals(capabilityName)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The idle time after which entities stop, when set on the agent. */
  public Optional<Duration> passivation() {
    return Optional.ofNullable(passivation);
  }

  /**
   * A new state for a key, from the factory.
   *
   * @param key the key
   * @return the state
   */
  public S newState(String key) {
    return stateFactory.apply(key);
  }

  /**
   * The agent's SPIFFE ID in the given default trust domain.
   *
   * @param defaultTrustDomain used when the agent has no trust domain of its own
   * @return {@code spiffe://<trust-domain>/agent/<name>}
   */
  public SpiffeId spiffeId(String defaultTrustDomain) {
    return identity.spiffeId(defaultTrustDomain);
  }

  @Override
  public String toString() {
    return "KeyedAgent[" + name() + ", " + capabilities.size() + " capabilities]";
  }
}
