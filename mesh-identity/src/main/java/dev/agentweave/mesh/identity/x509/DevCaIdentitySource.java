package dev.agentweave.mesh.identity.x509;

import static java.util.Objects.requireNonNull;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.IdentitySource;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dev-ca} identity source: SVIDs minted by the built-in {@link DevCertificateAuthority}
 * on first request, each renewed at a fraction of its lifetime (half by default) so a valid SVID is
 * always in place well before the old one expires. Bundles: the CA's own, plus foreign bundles read
 * from files. Development only. Thread-safe.
 */
public final class DevCaIdentitySource implements IdentitySource {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.identity.dev-ca");

  private final DevCertificateAuthority ca;
  private final Duration lifetime;
  private final double renewFraction;
  private final List<String> serverNames;
  private final Map<TrustDomain, TrustBundle> foreignBundles;
  private final Map<SpiffeId, X509Svid> svids = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService renewer;

  /**
   * Creates the source.
   *
   * @param ca the CA
   * @param lifetime SVID lifetime
   * @param renewFraction when to renew, as a fraction of the lifetime, in (0, 1)
   * @param serverNames DNS names and IPs added to every SVID (for tools like curl)
   * @param foreignBundles bundles of other trust domains
   */
  public DevCaIdentitySource(
      DevCertificateAuthority ca,
      Duration lifetime,
      double renewFraction,
      List<String> serverNames,
      List<TrustBundle> foreignBundles) {
    this.ca = requireNonNull(ca, "ca");
    this.lifetime = requireNonNull(lifetime, "lifetime");
    if (!(renewFraction > 0 && renewFraction < 1)) {
      throw new IllegalArgumentException(
          "renewFraction: " + renewFraction + " (expected: in (0, 1))");
    }
    this.renewFraction = renewFraction;
    this.serverNames = List.copyOf(serverNames);
    Map<TrustDomain, TrustBundle> bundles = new ConcurrentHashMap<>();
    for (TrustBundle b : foreignBundles) {
      bundles.put(b.trustDomain(), b);
    }
    this.foreignBundles = bundles;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "agentweave-dev-ca-renewer");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public X509Svid svid(SpiffeId id) {
    X509Svid svid = svids.get(id);
    if (svid != null) {
      return svid;
    }
    if (!id.trustDomain().equals(ca.trustDomain().name())) {
      throw new IdentityException(
          "the dev CA of "
              + ca.trustDomain()
              + " holds no identity "
              + id
              + " (expected: an ID in "
              + ca.trustDomain()
              + ")");
    }
    return svids.computeIfAbsent(
        id,
        k -> {
          X509Svid minted = ca.issue(k, lifetime, serverNames);
          scheduleRenewal(minted);
          return minted;
        });
  }

  private void scheduleRenewal(X509Svid svid) {
    // From the issuance time, not notBefore: notBefore is backdated to absorb clock skew.
    Instant issued = svid.expiresAt().minus(lifetime);
    Instant at = issued.plusMillis((long) (lifetime.toMillis() * renewFraction));
    long delay = Math.max(0, at.toEpochMilli() - System.currentTimeMillis());
    if (renewer.isShutdown()) {
      return;
    }
    renewer.schedule(() -> renew(svid.id()), delay, TimeUnit.MILLISECONDS);
  }

  private void renew(SpiffeId id) {
    try {
      X509Svid next = ca.issue(id, lifetime, serverNames);
      svids.put(id, next);
      LOG.debug("renewed {}", next);
      scheduleRenewal(next);
      listeners.forEach(Runnable::run);
    } catch (RuntimeException e) {
      LOG.warn("renewing the SVID of {} failed; retrying in 5 s", id, e);
      renewer.schedule(() -> renew(id), 5, TimeUnit.SECONDS);
    }
  }

  /**
   * Adds or replaces a foreign trust domain's bundle.
   *
   * @param bundle the bundle
   */
  public void putBundle(TrustBundle bundle) {
    foreignBundles.put(bundle.trustDomain(), bundle);
    listeners.forEach(Runnable::run);
  }

  @Override
  public Optional<TrustBundle> bundle(TrustDomain trustDomain) {
    if (trustDomain.equals(ca.trustDomain())) {
      return Optional.of(ca.bundle());
    }
    return Optional.ofNullable(foreignBundles.get(trustDomain));
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public String name() {
    return "dev-ca";
  }

  /** The CA. */
  public DevCertificateAuthority ca() {
    return ca;
  }

  @Override
  public void close() {
    renewer.shutdownNow();
  }
}
