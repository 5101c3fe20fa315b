package dev.agentweave.mesh.spi;

import dev.agentweave.mesh.SpiffeId;

/**
 * What a {@link CallInterceptor} learns of one call: where it entered, who calls whom for what, and
 * its request ID. The caller is always an authenticated identity.
 */
public interface CallInfo {
  /** Where the call entered this node. */
  CallOrigin origin();

  /** The calling agent. */
  SpiffeId caller();

  /** The agent called. */
  SpiffeId target();

  /** The capability called. */
  String action();

  /**
   * The request ID: the caller's when it sent one, otherwise one made for this call.
   *
   * @return the request ID
   */
  String requestId();
}
