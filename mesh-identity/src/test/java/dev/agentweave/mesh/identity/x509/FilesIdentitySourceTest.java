package dev.agentweave.mesh.identity.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesIdentitySourceTest {
  @TempDir Path dir;

  private static final SpiffeId ID = SpiffeId.parse("spiffe://test.local/agent/files");

  private DevCertificateAuthority ca() {
    return DevCertificateAuthority.openOrCreate(dir.resolve("ca"), new TrustDomain("test.local"));
  }

  private void writeSvid(X509Svid svid) {
    Pem.write(dir.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
    Pem.write(dir.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
  }

  private FilesIdentitySource open() {
    Pem.write(
        dir.resolve("bundle.pem"), Pem.encodeCertificates(List.of(ca().certificate())), false);
    return new FilesIdentitySource(
        List.of(
            new FilesIdentitySource.SvidFiles(dir.resolve("svid.pem"), dir.resolve("svid.key"))),
        List.of(
            new FilesIdentitySource.BundleFile(
                new TrustDomain("test.local"), dir.resolve("bundle.pem"))),
        Duration.ofMillis(100));
  }

  @Test
  void loadsSvidAndBundle_readingTheIdFromTheCertificate() {
    X509Svid minted = ca().issue(ID, Duration.ofMinutes(5), List.of());
    writeSvid(minted);
    try (FilesIdentitySource source = open()) {
      assertThat(source.svid(ID).leaf()).isEqualTo(minted.leaf());
      assertThat(source.bundle(new TrustDomain("test.local"))).isPresent();
      assertThat(source.bundle(new TrustDomain("other.org"))).isEmpty();
      assertThatThrownBy(() -> source.svid(SpiffeId.parse("spiffe://test.local/agent/x")))
          .hasMessageContaining("holds no SVID")
          .hasMessageContaining("spiffe://test.local/agent/files");
    }
  }

  @Test
  void reloadsWhenTheFilesChange_andKeepsTheOldSetWhenTheNewOneIsBroken() throws Exception {
    writeSvid(ca().issue(ID, Duration.ofMinutes(5), List.of()));
    try (FilesIdentitySource source = open()) {
      AtomicInteger changes = new AtomicInteger();
      source.onChange(changes::incrementAndGet);
      X509Svid second = ca().issue(ID, Duration.ofMinutes(10), List.of());
      writeSvid(second);
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() >= 1);
      assertThat(source.svid(ID).leaf()).isEqualTo(second.leaf());
      Files.writeString(dir.resolve("svid.key"), "-----BEGIN PRIVATE KEY-----\ntruncated");
      int before = changes.get();
      // The broken key is seen, refused and logged; the working SVID stays.
      await().atMost(Duration.ofSeconds(10)).until(() -> source.failedReloads() >= 1);
      assertThat(changes.get()).isEqualTo(before);
      assertThat(source.svid(ID).leaf()).isEqualTo(second.leaf());
    }
  }

  @Test
  void refusesAKeyThatDoesNotBelongToTheCertificate() {
    X509Svid a = ca().issue(ID, Duration.ofMinutes(5), List.of());
    X509Svid b = ca().issue(ID, Duration.ofMinutes(5), List.of());
    writeSvid(new X509Svid(ID, a.chain(), b.privateKey()));
    assertThatThrownBy(this::open)
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("svid.key: the key does not belong to the certificate");
  }

  @Test
  void refusesMissingFiles_namingThem() {
    assertThatThrownBy(this::open)
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("svid.pem: no such file");
  }

  @Test
  void settings_requireSvidsAndBundleForTheFilesProvider() {
    assertThatThrownBy(
            () ->
                MeshSettings.parse(
                    "t",
                    "agent: {name: a, trust_domain: test.local}\nidentity: {provider: files}\n",
                    Map.of()))
        .hasMessageContaining("identity.files: no svids");
  }
}
