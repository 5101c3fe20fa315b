package dev.agentweave.mesh.identity.x509.config;

import java.time.Duration;
import java.util.List;

/**
 * The keys of the {@code identity} section this module reads (ADR 0005): where the X.509 SVIDs and
 * trust bundles of the {@code dev-ca}, {@code files} and {@code spiffe} providers come from, and
 * which foreign trust domains are trusted. Find them with {@code
 * settings.section(X509IdentitySettings.class)}; the node's own key of the section, {@code
 * identity.provider}, is {@link dev.agentweave.mesh.config.IdentitySettings}.
 *
 * @param spiffeEndpoint the Workload API address ({@code identity.spiffe_endpoint})
 * @param allowedTrustDomains foreign trust domains whose agents may call in
 * @param bundles bundles of foreign trust domains read from files
 * @param devCa the development CA ({@code identity.dev_ca})
 * @param files the files provider ({@code identity.files})
 */
public record X509IdentitySettings(
    String spiffeEndpoint,
    List<String> allowedTrustDomains,
    List<BundleFile> bundles,
    DevCaSettings devCa,
    FilesSettings files) {
  /** Copies the lists. */
  public X509IdentitySettings {
    allowedTrustDomains = List.copyOf(allowedTrustDomains);
    bundles = List.copyOf(bundles);
  }

  /**
   * The {@code identity.files} section.
   *
   * @param svids the SVIDs' chain and key files
   * @param bundle the own trust domain's bundle file, or empty
   * @param pollInterval how often the files are checked
   */
  public record FilesSettings(List<SvidFile> svids, String bundle, Duration pollInterval) {
    /** Copies the list. */
    public FilesSettings {
      svids = List.copyOf(svids);
    }
  }

  /**
   * One item of {@code identity.files.svids}.
   *
   * @param certChain the PEM chain file
   * @param privateKey the PKCS#8 key file
   */
  public record SvidFile(String certChain, String privateKey) {}

  /**
   * One item of {@code identity.bundles}.
   *
   * @param trustDomain the foreign trust domain
   * @param file the PEM file of its CA certificates
   */
  public record BundleFile(String trustDomain, String file) {}

  /**
   * The {@code identity.dev_ca} section.
   *
   * @param directory where the CA keeps its files
   * @param svidTtl lifetime of minted SVIDs
   * @param renewFraction fraction of the lifetime after which an SVID is renewed
   * @param serverNames DNS and IP SANs added to minted SVIDs
   */
  public record DevCaSettings(
      String directory, Duration svidTtl, double renewFraction, List<String> serverNames) {
    /** Copies the list. */
    public DevCaSettings {
      serverNames = List.copyOf(serverNames);
    }
  }
}
