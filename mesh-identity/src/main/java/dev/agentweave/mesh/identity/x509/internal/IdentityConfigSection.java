package dev.agentweave.mesh.identity.x509.internal;

import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.list;
import static dev.agentweave.mesh.config.ConfigSpec.required;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.ConfigSection;
import dev.agentweave.mesh.config.ConfigSpec;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.ObjectList;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigValues;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings.BundleFile;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings.DevCaSettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings.FilesSettings;
import dev.agentweave.mesh.identity.x509.config.X509IdentitySettings.SvidFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * This module's keys of the {@code identity} section (the node declares {@code provider} of it
 * itself), and the {@link X509IdentitySettings} read from them. Found by the configuration loader
 * with ServiceLoader.
 */
public final class IdentityConfigSection implements ConfigSection<X509IdentitySettings> {
  private static final Section SCHEMA = schema0();

  /** Creates the section (for {@link java.util.ServiceLoader}). */
  public IdentityConfigSection() {}

  @Override
  public String path() {
    return "identity";
  }

  @Override
  public String module() {
    return "dev.agentweave:mesh-identity";
  }

  @Override
  public Section schema() {
    return SCHEMA;
  }

  @Override
  public Class<X509IdentitySettings> type() {
    return X509IdentitySettings.class;
  }

  @Override
  public X509IdentitySettings read(ConfigValues v) {
    List<BundleFile> bundles = new ArrayList<>();
    for (ConfigValues b : v.items("identity.bundles")) {
      bundles.add(new BundleFile(b.str("trust_domain"), b.str("file")));
    }
    List<SvidFile> svids = new ArrayList<>();
    for (ConfigValues f : v.items("identity.files.svids")) {
      svids.add(new SvidFile(f.str("cert_chain"), f.str("private_key")));
    }
    return new X509IdentitySettings(
        v.str("identity.spiffe_endpoint"),
        v.list("identity.allowed_trust_domains"),
        bundles,
        new DevCaSettings(
            v.str("identity.dev_ca.directory"),
            v.seconds("identity.dev_ca.svid_ttl_seconds"),
            v.dbl("identity.dev_ca.renew_fraction"),
            v.list("identity.dev_ca.server_names")),
        new FilesSettings(
            svids, v.str("identity.files.bundle"), v.seconds("identity.files.poll_seconds")));
  }

  @Override
  public void check(
      X509IdentitySettings settings,
      ConfigValues values,
      boolean production,
      Consumer<ConfigProblem> problems) {
    FilesSettings files = settings.files();
    if (production
        && values.str("identity.provider").equals("files")
        && (files.svids().isEmpty() || files.bundle().isEmpty())) {
      problems.accept(
          new ConfigProblem(
              "identity.files",
              files.svids().isEmpty() ? "no svids" : "no bundle",
              "at least one svids item and the bundle file when identity.provider is files",
              null));
    }
  }

  private static Section schema0() {
    Section bundle =
        ConfigSpec.section()
            .add(
                "trust_domain",
                required(
                    Kind.STRING,
                    v -> SpiffeId.trustDomainProblem((String) v) == null,
                    "a trust domain such as partner.org",
                    "Trust domain of the bundle."))
            .add(
                "file",
                required(
                    Kind.STRING,
                    v -> !((String) v).isBlank(),
                    "a path to a PEM file",
                    "PEM CA certificates."))
            .build();
    Section devCa =
        ConfigSpec.section()
            .add(
                "directory",
                str(
                    ".agentweave/dev-ca",
                    "Where the dev CA keeps ca.pem and ca.key (relative to the working"
                        + " directory)."))
            .add(
                "svid_ttl_seconds",
                leaf(
                    Kind.INT,
                    3600,
                    intRange(2, 86_400 * 30),
                    "an integer in 2..2592000",
                    "Lifetime of minted SVIDs."))
            .add(
                "renew_fraction",
                leaf(
                    Kind.DOUBLE,
                    0.5,
                    v -> ((Double) v) > 0 && ((Double) v) < 1,
                    "a number in (0, 1)",
                    "Renew an SVID when this fraction of its lifetime has passed."))
            .add(
                "server_names",
                list(
                    List.of("localhost", "127.0.0.1"),
                    v -> !((String) v).isBlank(),
                    "a list of DNS names or IP addresses",
                    "DNS and IP SANs added to minted SVIDs so tools like curl accept the"
                        + " gateway."))
            .build();
    Section svidFile =
        ConfigSpec.section()
            .add(
                "cert_chain",
                required(
                    Kind.STRING,
                    v -> !((String) v).isBlank(),
                    "a path to a PEM chain, leaf first",
                    "SVID chain."))
            .add(
                "private_key",
                required(
                    Kind.STRING,
                    v -> !((String) v).isBlank(),
                    "a path to a PKCS#8 PEM key",
                    "SVID key."))
            .build();
    Section files =
        ConfigSpec.section()
            .add(
                "svids",
                new ObjectList(svidFile, "The node's SVIDs (one per hosted agent identity)."))
            .add(
                "bundle",
                str("", "PEM bundle of the node's own trust domain (required for provider files)."))
            .add(
                "poll_seconds",
                leaf(
                    Kind.DOUBLE,
                    5.0,
                    v -> ((Double) v) >= 0.1,
                    "a number >= 0.1",
                    "How often the files are checked for changes."))
            .build();
    return ConfigSpec.section()
        .add(
            "spiffe_endpoint",
            leaf(
                Kind.STRING,
                "unix:///run/spire/sockets/agent.sock",
                v -> ((String) v).startsWith("unix://") || ((String) v).startsWith("tcp://"),
                "a unix:// or tcp:// address",
                "SPIFFE Workload API socket (SPIFFE_ENDPOINT_SOCKET replaces the default)."))
        .add(
            "allowed_trust_domains",
            list(
                List.of(),
                v -> SpiffeId.trustDomainProblem((String) v) == null,
                "a list of trust domains",
                "Foreign trust domains whose agents may call in."))
        .add(
            "bundles",
            new ObjectList(
                bundle,
                "Trust bundles of foreign trust domains, read from PEM files (federation)."))
        .add("dev_ca", devCa)
        .add("files", files)
        .build();
  }
}
