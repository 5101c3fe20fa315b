package dev.agentweave.mesh.identity;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;

/**
 * A SPIFFE trust domain, such as {@code example.org}: the name of a root of trust. Validated by the
 * SPIFFE rules (1 to 255 characters from {@code [a-z0-9.-_]}). Immutable, compares by value.
 *
 * @param name the trust domain name
 */
public record TrustDomain(String name) {
  /**
   * Validates the name.
   *
   * @throws IllegalArgumentException naming the rule broken
   */
  public TrustDomain {
    requireNonNull(name, "name");
    String problem = SpiffeId.trustDomainProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid trust domain '"
              + name
              + "': "
              + problem
              + " (expected: a name like example.org)");
    }
  }

  /**
   * Parses a trust domain name, or the trust domain of a {@code spiffe://} ID.
   *
   * @param value {@code example.org} or {@code spiffe://example.org}
   * @return the trust domain
   * @throws IllegalArgumentException if it is not valid
   */
  public static TrustDomain parse(String value) {
    requireNonNull(value, "value");
    if (value.startsWith("spiffe://")) {
      return of(SpiffeId.parse(value));
    }
    return new TrustDomain(value);
  }

  /**
   * The trust domain of an ID.
   *
   * @param id the ID
   * @return its trust domain
   */
  public static TrustDomain of(SpiffeId id) {
    return new TrustDomain(id.trustDomain());
  }

  /** The trust domain's own ID, {@code spiffe://<name>}. */
  public SpiffeId id() {
    return SpiffeId.parse("spiffe://" + name);
  }

  @Override
  public String toString() {
    return name;
  }
}
