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

  /** The version an agent's card shows when none is declared. */
  public static final String DEFAULT_VERSION = "1.0.0";

  private final String name;
  private final String trustDomain;
  private final String description;
  private final List<Capability<?, ?>> capabilities;
  private final Card card;

  /**
   * What an agent card shows beyond the name, description and capabilities.
   *
   * @param version the agent's version
   * @param provider the organization behind the agent, or {@code null}
   * @param textCapability the capability a plain text message runs, or {@code null}
   * @param fromText makes that capability's request of the text, or {@code null}
   */
  private record Card(
      String version,
      Provider provider,
      String textCapability,
      java.util.function.Function<String, ?> fromText) {}

  /**
   * The organization that provides an agent, as its card names it.
   *
   * @param organization the organization's name
   * @param url the organization's web address
   */
  public record Provider(String organization, String url) {
    /**
     * Checks both values.
     *
     * @throws IllegalArgumentException if either is blank
     */
    public Provider {
      requireNonNull(organization, "organization");
      requireNonNull(url, "url");
      if (organization.isBlank() || url.isBlank()) {
        throw new IllegalArgumentException(
            "provider: organization and url must not be blank (an agent card requires both)");
      }
    }
  }

  private Agent(
      String name,
      String trustDomain,
      String description,
      List<Capability<?, ?>> capabilities,
      Card card) {
    this.name = name;
    this.trustDomain = trustDomain;
    this.description = description;
    this.capabilities = capabilities;
    this.card = card;
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
    return new Agent(name, null, "", List.of(), new Card(DEFAULT_VERSION, null, null, null));
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
    return new Agent(name, value, description, capabilities, card);
  }

  /**
   * A copy with a description.
   *
   * @param value the description
   * @return the copy
   */
  public Agent withDescription(String value) {
    requireNonNull(value, "description");
    return new Agent(name, trustDomain, value, capabilities, card);
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
    return new Agent(name, trustDomain, description, List.copyOf(copy), card);
  }

  /**
   * A copy with a version, shown in the agent's card ({@value #DEFAULT_VERSION} when not set).
   *
   * @param value the version, not blank
   * @return the copy
   * @throws IllegalArgumentException if the version is blank
   */
  public Agent withVersion(String value) {
    requireNonNull(value, "version");
    if (value.isBlank()) {
      throw new IllegalArgumentException("version: must not be blank");
    }
    return new Agent(
        name,
        trustDomain,
        description,
        capabilities,
        new Card(value, card.provider(), card.textCapability(), card.fromText()));
  }

  /**
   * A copy with the organization that provides the agent, shown in its card.
   *
   * @param organization the organization's name
   * @param url the organization's web address
   * @return the copy
   * @throws IllegalArgumentException if either is blank
   */
  public Agent withProvider(String organization, String url) {
    return new Agent(
        name,
        trustDomain,
        description,
        capabilities,
        new Card(
            card.version(),
            new Provider(organization, url),
            card.textCapability(),
            card.fromText()));
  }

  /**
   * A copy whose plain text messages (an A2A message with text parts and no skill named) run the
   * given capability, with the text in the given field of its request: {@code
   * withTextCapability("search", "query")} makes "find pekko" the request {@code {"query": "find
   * pekko"}} of {@code search}. Declare the capability first.
   *
   * @param capability a capability of this agent
   * @param field a field of its request type that takes a string, or {@code null} when the request
   *     type is {@code String} itself
   * @return the copy
   * @throws IllegalArgumentException if the agent has no such capability, or its request type has
   *     no such field
   */
  public Agent withTextCapability(String capability, String field) {
    requireNonNull(capability, "capability");
    Capability<?, ?> c =
        capability(capability)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "text capability: agent '"
                            + name
                            + "' has no capability '"
                            + capability
                            + "' (declare it with withCapability first)"));
    Class<?> type = c.requestType();
    if (field == null) {
      if (type != String.class) {
        throw new IllegalArgumentException(
            "text capability '"
                + capability
                + "': its request type is "
                + type.getSimpleName()
                + ", so name the field the text goes into");
      }
    } else if (!takesText(type, field)) {
      throw new IllegalArgumentException(
          "text capability '"
              + capability
              + "': "
              + type.getSimpleName()
              + " has no String component '"
              + field
              + "'");
    }
    java.util.function.Function<String, ?> fromText =
        field == null ? text -> text : text -> java.util.Map.of(field, text);
    return withText(capability, fromText);
  }

  /**
   * A copy whose plain text messages run the given capability with the request {@code fromText}
   * makes of the text: {@code withTextCapability("search", text -> new SearchRequest(text, 10))}.
   * Declare the capability first.
   *
   * @param capability a capability of this agent
   * @param fromText makes the capability's request (an object of its request type, or anything
   *     Jackson maps to it) of the text
   * @return the copy
   * @throws IllegalArgumentException if the agent has no such capability
   */
  public Agent withTextCapability(
      String capability, java.util.function.Function<String, ?> fromText) {
    requireNonNull(capability, "capability");
    requireNonNull(fromText, "fromText");
    capability(capability)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "text capability: agent '"
                        + name
                        + "' has no capability '"
                        + capability
                        + "' (declare it with withCapability first)"));
    return withText(capability, fromText);
  }

  private Agent withText(String capability, java.util.function.Function<String, ?> fromText) {
    return new Agent(
        name,
        trustDomain,
        description,
        capabilities,
        new Card(card.version(), card.provider(), capability, fromText));
  }

  private static boolean takesText(Class<?> type, String field) {
    if (!type.isRecord()) {
      return true; // a bean or map type: Jackson decides when a message arrives
    }
    for (var component : type.getRecordComponents()) {
      if (component.getName().equals(field)) {
        return component.getType() == String.class || component.getType() == Object.class;
      }
    }
    return false;
  }

  /** The version its card shows. */
  public String version() {
    return card.version();
  }

  /** The organization that provides the agent, if declared. */
  public Optional<Provider> provider() {
    return Optional.ofNullable(card.provider());
  }

  /** The capability plain text messages run, if declared. */
  public Optional<String> textCapability() {
    return Optional.ofNullable(card.textCapability());
  }

  /**
   * The request of the {@linkplain #textCapability() text capability} for a text.
   *
   * @param text the text of a message
   * @return the request, as the declaration makes it
   * @throws IllegalStateException if the agent declares no text capability
   */
  public Object textRequest(String text) {
    if (card.fromText() == null) {
      throw new IllegalStateException("agent '" + name + "' declares no text capability");
    }
    return card.fromText().apply(text);
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
