package dev.agentweave.mesh;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An immutable description of an agent: a name, an optional trust domain (the node's {@code
 * agent.trust_domain} when absent) and its capabilities. Its SPIFFE ID is {@code
 * spiffe://<trust-domain>/agent/<name>}.
 *
 * <pre>{@code
 * Agent search = Agent.of("search")
 *     .withCapability(Capability.of("search", SearchRequest.class, SearchResult.class, handler));
 * }</pre>
 *
 * An agent without capabilities is valid: it only calls others.
 */
public final class Agent {
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");

  private final String name;
  private final String trustDomain;
  private final String description;
  private final List<Capability<?, ?>> capabilities;

  private Agent(
      String name, String trustDomain, String description, List<Capability<?, ?>> capabilities) {
    this.name = name;
    this.trustDomain = trustDomain;
    this.description = description;
    this.capabilities = capabilities;
  }

  /**
   * An agent with no capabilities yet.
   *
   * @param name matching {@code ^[a-z][a-z0-9-]*$}, at most 63 characters
   * @return the agent
   * @throws IllegalArgumentException if the name is not valid
   */
  public static Agent of(String name) {
    requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "agent name: '" + name + "' (expected: ^[a-z][a-z0-9-]*$, at most 63 characters)");
    }
    return new Agent(name, null, "", List.of());
  }

  /**
   * A copy in the given trust domain instead of the node's.
   *
   * @param value a valid trust domain
   * @return the copy
   * @throws IllegalArgumentException if the trust domain is not valid
   */
  public Agent withTrustDomain(String value) {
    requireNonNull(value, "trustDomain");
    String problem = SpiffeId.trustDomainProblem(value);
    if (problem != null) {
      throw new IllegalArgumentException("trust domain: '" + value + "' (" + problem + ")");
    }
    return new Agent(name, value, description, capabilities);
  }

  /**
   * A copy with a description.
   *
   * @param value the description
   * @return the copy
   */
  public Agent withDescription(String value) {
    requireNonNull(value, "description");
    return new Agent(name, trustDomain, value, capabilities);
  }

  /**
   * A copy with one more capability.
   *
   * @param capability the capability
   * @return the copy
   * @throws IllegalArgumentException if the agent already has a capability of that name
   */
  public Agent withCapability(Capability<?, ?> capability) {
    requireNonNull(capability, "capability");
    if (capability(capability.name()).isPresent()) {
      throw new IllegalArgumentException(
          "capability '" + capability.name() + "' is declared twice on agent '" + name + "'");
    }
    List<Capability<?, ?>> copy = new ArrayList<>(capabilities);
    copy.add(capability);
    return new Agent(name, trustDomain, description, List.copyOf(copy));
  }

  /** The agent name. */
  public String name() {
    return name;
  }

  /** The trust domain when set explicitly. */
  public Optional<String> trustDomain() {
    return Optional.ofNullable(trustDomain);
  }

  /** The description. */
  public String description() {
    return description;
  }

  /** The capabilities, in declaration order. */
  public List<Capability<?, ?>> capabilities() {
    return capabilities;
  }

  /**
   * The capability with the given name.
   *
   * @param capabilityName the name
   * @return the capability, if declared
   */
  public Optional<Capability<?, ?>> capability(String capabilityName) {
    for (Capability<?, ?> c : capabilities) {
      if (c.name().equals(capabilityName)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * The agent's SPIFFE ID in the given default trust domain.
   *
   * @param defaultTrustDomain used when the agent has no trust domain of its own
   * @return {@code spiffe://<trust-domain>/agent/<name>}
   */
  public SpiffeId spiffeId(String defaultTrustDomain) {
    return SpiffeId.forAgent(trustDomain != null ? trustDomain : defaultTrustDomain, name);
  }

  @Override
  public String toString() {
    return "Agent[" + name + ", " + capabilities.size() + " capabilities]";
  }
}
