package dev.agentweave.mesh.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code identity} section.
 *
 * @param provider {@code dev-ca}, {@code files} or {@code spiffe}
 * @param spiffeEndpoint the Workload API address
 * @param allowedTrustDomains foreign trust domains whose agents may call in
 * @param bundles bundles of foreign trust domains read from files
 * @param devCa the development CA
 * @param files the files provider
 */
public record IdentitySettings(
    String provider,
    String spiffeEndpoint,
    List<String> allowedTrustDomains,
    List<BundleFile> bundles,
    DevCaSettings devCa,
    FilesSettings files) {
  /**
   * The {@code identity.files} section.
   *
   * @param svids the SVIDs' chain and key files
   * @param bundle the own trust domain's bundle file, or empty
   * @param pollInterval how often the files are checked
   */
  public record FilesSettings(List<SvidFile> svids, String bundle, Duration pollInterval) {}

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
      String directory, Duration svidTtl, double renewFraction, List<String> serverNames) {}
}
