package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code spiffe} identity source: SVIDs and bundles streamed from the SPIFFE Workload API (a
 * SPIRE agent's socket) through java-spiffe. Every SVID the workload is entitled to is available by
 * its SPIFFE ID, federated bundles included; each update the agent pushes (rotation, new
 * registrations, bundle changes) replaces the set and notifies listeners. Creating the source waits
 * for the first update; if the agent is unreachable or the workload has no registration, it fails
 * with a message saying so. After that, stream errors are logged and java-spiffe reconnects with
 * backoff while the last identities stay in use. Thread-safe.
 */
public final class SpiffeIdentitySource implements IdentitySource {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.identity.spiffe");

  private record Snapshot(Map<SpiffeId, X509Svid> svids, Map<TrustDomain, TrustBundle> bundles) {}

  private final String endpoint;
  private final WorkloadApiClient client;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Snapshot> first = new CompletableFuture<>();
  private volatile Snapshot current;

  /**
   * Connects to the Workload API and waits for the first X.509 context.
   *
   * @param endpoint the socket address, such as {@code unix:///run/spire/sockets/agent.sock}
   * @param initialTimeout how long to wait for the first SVIDs
   * @throws IdentityException if the address is invalid or no SVIDs arrive in time
   */
  public SpiffeIdentitySource(String endpoint, Duration initialTimeout) {
    this.endpoint = requireNonNull(endpoint, "endpoint");
    try {
      this.client =
          DefaultWorkloadApiClient.newClient(
              DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(endpoint).build());
    } catch (io.spiffe.exception.SocketEndpointAddressException e) {
      throw new IdentityException(
          "identity.spiffe_endpoint: '"
              + endpoint
              + "' is not a Workload API address (expected: unix:///path or tcp://host:port)",
          e);
    }
    client.watchX509Context(
        new Watcher<>() {
          @Override
          public void onUpdate(X509Context context) {
            Snapshot next;
            try {
              next = convert(context);
            } catch (RuntimeException e) {
              LOG.warn(
                  "ignoring an X.509 context from {} that cannot be used: {}",
                  endpoint,
                  e.getMessage());
              return;
            }
            boolean initial = current == null;
            current = next;
            first.complete(next);
            LOG.info(
                "X.509 context from {}: SVIDs {}, bundles {}",
                endpoint,
                next.svids().keySet(),
                next.bundles().keySet());
            if (!initial) {
              listeners.forEach(Runnable::run);
            }
          }

          @Override
          public void onError(Throwable error) {
            if (!first.isDone()) {
              first.completeExceptionally(error);
            }
            LOG.warn("Workload API stream from {} failed: {}", endpoint, error.toString());
          }
        });
    try {
      current = first.get(initialTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly();
      throw new IdentityException("interrupted while waiting for SVIDs from " + endpoint, e);
    } catch (ExecutionException | TimeoutException e) {
      closeQuietly();
      throw new IdentityException(
          "no X.509 SVIDs from the Workload API at "
              + endpoint
              + " within "
              + initialTimeout
              + " (expected: a running SPIRE agent and a registration entry for this workload)"
              + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()),
          e);
    }
  }

  private static Snapshot convert(X509Context context) {
    Map<SpiffeId, X509Svid> svids = new LinkedHashMap<>();
    for (io.spiffe.svid.x509svid.X509Svid s : context.getX509Svids()) {
      SpiffeId id = SpiffeId.parse(s.getSpiffeId().toString());
      svids.putIfAbsent(id, new X509Svid(id, s.getChain(), s.getPrivateKey()));
    }
    Map<TrustDomain, TrustBundle> bundles = new LinkedHashMap<>();
    context
        .getX509BundleSet()
        .getBundles()
        .forEach(
            (td, bundle) -> {
              List<X509Certificate> authorities = new ArrayList<>(bundle.getX509Authorities());
              if (!authorities.isEmpty()) {
                TrustDomain ours = new TrustDomain(td.getName());
                bundles.put(ours, new TrustBundle(ours, authorities));
              }
            });
    if (svids.isEmpty()) {
      throw new IdentityException("the X.509 context holds no SVID");
    }
    return new Snapshot(Map.copyOf(svids), Map.copyOf(bundles));
  }

  @Override
  public X509Svid svid(SpiffeId id) {
    X509Svid svid = current.svids().get(id);
    if (svid == null) {
      throw new IdentityException(
          "the Workload API at "
              + endpoint
              + " issued no SVID for "
              + id
              + " (it issued: "
              + current.svids().keySet()
              + "; register the agent's SPIFFE ID for this workload)");
    }
    return svid;
  }

  @Override
  public Optional<TrustBundle> bundle(TrustDomain trustDomain) {
    return Optional.ofNullable(current.bundles().get(trustDomain));
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public String name() {
    return "spiffe";
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      client.close();
    } catch (java.io.IOException e) {
      LOG.debug("closing the Workload API client failed", e);
    }
  }
}
