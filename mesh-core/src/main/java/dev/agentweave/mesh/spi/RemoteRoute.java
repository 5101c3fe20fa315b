package dev.agentweave.mesh.spi;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * Where a call to an agent of another node goes: the gateways of the nodes that host it, as the
 * node resolved them once, before outbound authorization (static {@code transport.peers} first,
 * otherwise the cluster's {@link AgentDirectory}). A {@link RemoteTransport} sends to one of them
 * and does not look the agent up itself; only when an attempt failed and the call is sent again may
 * it ask for {@link #refreshed()} gateways (a node that became unreachable has left the directory).
 * Immutable.
 */
public final class RemoteRoute {
  private final SpiffeId target;
  private final List<URI> gateways;
  private final Function<SpiffeId, List<URI>> lookup;

  /**
   * A route.
   *
   * @param target the agent called
   * @param gateways base URLs ({@code https://host:port}) of the nodes that host it; not empty
   * @param lookup how to look the agent up again, for {@link #refreshed()}
   * @throws IllegalArgumentException if {@code gateways} is empty
   */
  public RemoteRoute(SpiffeId target, List<URI> gateways, Function<SpiffeId, List<URI>> lookup) {
    this.target = requireNonNull(target, "target");
    this.gateways = List.copyOf(gateways);
    this.lookup = requireNonNull(lookup, "lookup");
    if (this.gateways.isEmpty()) {
      throw new IllegalArgumentException(
          "gateways of " + target + ": empty (expected: at least one)");
    }
  }

  /** The agent called. */
  public SpiffeId target() {
    return target;
  }

  /** The gateways that host the agent, as resolved; never empty. */
  public List<URI> gateways() {
    return gateways;
  }

  /**
   * The gateways as they are now, for sending a failed call again; this route's own gateways when
   * the agent cannot be found any more.
   *
   * @return the gateways, never empty
   */
  public List<URI> refreshed() {
    List<URI> now = lookup.apply(target);
    return now == null || now.isEmpty() ? gateways : List.copyOf(now);
  }

  @Override
  public String toString() {
    return "RemoteRoute[" + target + " -> " + gateways + "]";
  }
}
