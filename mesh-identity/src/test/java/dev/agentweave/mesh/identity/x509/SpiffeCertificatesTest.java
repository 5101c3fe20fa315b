package dev.agentweave.mesh.identity.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.identity.IdentityException;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.TrustDomain;
import dev.agentweave.mesh.identity.X509Svid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiffeCertificatesTest {
  @TempDir Path dir;

  private static final TrustDomain TD = new TrustDomain("test.local");

  private SpiffeId verify(DevCertificateAuthority trusted, Set<TrustDomain> accepted, X509Svid svid)
      throws CertificateException {
    return SpiffeCertificates.verify(
        svid.chain().toArray(new X509Certificate[0]),
        accepted,
        td -> td.equals(trusted.trustDomain()) ? Optional.of(trusted.bundle()) : Optional.empty());
  }

  @Test
  void verify_returnsTheId_ofAValidSvid() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir.resolve("ca"), TD);
    X509Svid svid =
        ca.issue(SpiffeId.parse("spiffe://test.local/agent/a"), Duration.ofMinutes(5), List.of());
    assertThat(verify(ca, Set.of(TD), svid))
        .isEqualTo(SpiffeId.parse("spiffe://test.local/agent/a"));
  }

  @Test
  void verify_refusesEachBrokenRule_withAMessageNamingIt() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir.resolve("ca"), TD);
    DevCertificateAuthority other = DevCertificateAuthority.openOrCreate(dir.resolve("other"), TD);
    SpiffeId id = SpiffeId.parse("spiffe://test.local/agent/a");
    Instant now = Instant.now();
    assertThatThrownBy(
            () -> verify(ca, Set.of(TD), other.issue(id, Duration.ofMinutes(5), List.of())))
        .hasMessageContaining("does not chain to the bundle of test.local");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    ca.issueCertificate(
                        id,
                        List.of(id.toString()),
                        now.minusSeconds(7200),
                        now.minusSeconds(3600),
                        List.of())))
        .hasMessageContaining("certificate expired at");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    ca.issueCertificate(
                        id,
                        List.of(id.toString()),
                        now.plusSeconds(3600),
                        now.plusSeconds(7200),
                        List.of())))
        .hasMessageContaining("not valid before");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    ca.issueCertificate(
                        id,
                        List.of(id.toString(), "spiffe://test.local/agent/b"),
                        now.minusSeconds(5),
                        now.plusSeconds(600),
                        List.of())))
        .hasMessageContaining("has 2 URI SANs")
        .hasMessageContaining("expected: exactly one SPIFFE ID");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    ca.issueCertificate(
                        id, List.of(), now.minusSeconds(5), now.plusSeconds(600), List.of())))
        .hasMessageContaining("has 0 URI SANs");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    ca.issueCertificate(
                        id,
                        List.of("spiffe://test.local/a/../b"),
                        now.minusSeconds(5),
                        now.plusSeconds(600),
                        List.of())))
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(new TrustDomain("elsewhere.org")),
                    ca.issue(id, Duration.ofMinutes(5), List.of())))
        .hasMessageContaining("trust domain test.local is not accepted");
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    new X509Certificate[0], Set.of(TD), td -> Optional.empty()))
        .hasMessageContaining("no certificate presented");
    assertThatThrownBy(
            () ->
                verify(
                    ca,
                    Set.of(TD),
                    new X509Svid(
                        id,
                        List.of(ca.certificate()),
                        ca.issue(id, Duration.ofMinutes(1), List.of()).privateKey())))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void devCa_keepsItsKeyPrivate_andIsReusedOnTheNextStart() throws Exception {
    Path caDir = dir.resolve("ca");
    DevCertificateAuthority first = DevCertificateAuthority.openOrCreate(caDir, TD);
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(caDir.resolve("ca.key"));
    assertThat(perms)
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    DevCertificateAuthority second = DevCertificateAuthority.openOrCreate(caDir, TD);
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThatThrownBy(
            () -> DevCertificateAuthority.openOrCreate(caDir, new TrustDomain("other.org")))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("belongs to [spiffe://test.local]");
    assertThatThrownBy(
            () ->
                first.issue(
                    SpiffeId.parse("spiffe://other.org/agent/x"), Duration.ofMinutes(1), List.of()))
        .hasMessageContaining("expected: an ID in test.local");
  }

  @Test
  void devCaSource_renewsSvidsBeforeTheyExpire_andTellsListeners() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir.resolve("ca"), TD);
    try (DevCaIdentitySource source =
        new DevCaIdentitySource(ca, Duration.ofSeconds(2), 0.5, List.of(), List.of())) {
      CountDownLatch changes = new CountDownLatch(2);
      source.onChange(changes::countDown);
      SpiffeId id = SpiffeId.parse("spiffe://test.local/agent/r");
      X509Svid first = source.svid(id);
      assertThat(source.svid(id)).isSameAs(first);
      assertThat(changes.await(10, TimeUnit.SECONDS)).isTrue();
      X509Svid later = source.svid(id);
      assertThat(later.leaf().getSerialNumber()).isNotEqualTo(first.leaf().getSerialNumber());
      assertThat(later.expiresAt()).isAfter(first.expiresAt());
      assertThatThrownBy(() -> source.svid(SpiffeId.parse("spiffe://other.org/agent/x")))
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("holds no identity");
    }
  }

  @Test
  void pem_roundTripsChainsAndKeys_andNamesBadFiles() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir.resolve("ca"), TD);
    X509Svid svid =
        ca.issue(SpiffeId.parse("spiffe://test.local/agent/p"), Duration.ofMinutes(5), List.of());
    Pem.write(dir.resolve("svid.pem"), Pem.encodeCertificates(svid.chain()), false);
    Pem.write(dir.resolve("svid.key"), Pem.encodePrivateKey(svid.privateKey()), true);
    assertThat(Pem.readCertificates(dir.resolve("svid.pem"))).isEqualTo(svid.chain());
    assertThat(Pem.readPrivateKey(dir.resolve("svid.key")).getEncoded())
        .isEqualTo(svid.privateKey().getEncoded());
    assertThat(Files.readString(dir.resolve("svid.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.readCertificates(dir.resolve("missing.pem")))
        .hasMessageContaining("no such file");
    Files.writeString(dir.resolve("junk.pem"), "hello");
    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("junk.pem")))
        .hasMessageContaining("expected: a PEM 'PRIVATE KEY' block");
  }

  @Test
  void verify_checksKeyUsageAlways_andExtendedKeyUsageForTheRole() throws Exception {
    DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dir.resolve("ca"), TD);
    SpiffeId id = SpiffeId.parse("spiffe://test.local/agent/a");
    Instant now = Instant.now();
    java.util.function.Function<DevCertificateAuthority.Usages, X509Certificate[]> leaf =
        u ->
            ca.issueCertificate(
                    id,
                    List.of(id.toString()),
                    now.minusSeconds(5),
                    now.plusSeconds(600),
                    List.of(),
                    u)
                .chain()
                .toArray(new X509Certificate[0]);
    java.util.function.Function<TrustDomain, Optional<TrustBundle>> bundles =
        td -> Optional.of(ca.bundle());
    Set<String> sign = Set.of("digitalSignature");
    X509Certificate[] serverOnly =
        leaf.apply(new DevCertificateAuthority.Usages(sign, List.of("serverAuth")));
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    serverOnly, Set.of(TD), bundles, SpiffeCertificates.Role.CLIENT))
        .hasMessageContaining("does not allow clientAuth");
    assertThat(
            SpiffeCertificates.verify(
                serverOnly, Set.of(TD), bundles, SpiffeCertificates.Role.SERVER))
        .isEqualTo(id);
    X509Certificate[] clientOnly =
        leaf.apply(new DevCertificateAuthority.Usages(sign, List.of("clientAuth")));
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    clientOnly, Set.of(TD), bundles, SpiffeCertificates.Role.SERVER))
        .hasMessageContaining("does not allow serverAuth");
    X509Certificate[] noSignature =
        leaf.apply(
            new DevCertificateAuthority.Usages(Set.of("keyEncipherment"), List.of("clientAuth")));
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    noSignature, Set.of(TD), bundles, SpiffeCertificates.Role.ANY))
        .hasMessageContaining("lacks digitalSignature");
    X509Certificate[] signsCerts =
        leaf.apply(
            new DevCertificateAuthority.Usages(
                Set.of("digitalSignature", "keyCertSign"), List.of()));
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    signsCerts, Set.of(TD), bundles, SpiffeCertificates.Role.ANY))
        .hasMessageContaining("keyCertSign or cRLSign");
    X509Certificate[] noKeyUsage =
        leaf.apply(new DevCertificateAuthority.Usages(Set.of(), List.of()));
    assertThatThrownBy(
            () ->
                SpiffeCertificates.verify(
                    noKeyUsage, Set.of(TD), bundles, SpiffeCertificates.Role.ANY))
        .hasMessageContaining("no key usage extension");
    X509Certificate[] noEku = leaf.apply(new DevCertificateAuthority.Usages(sign, List.of()));
    assertThat(
            SpiffeCertificates.verify(noEku, Set.of(TD), bundles, SpiffeCertificates.Role.CLIENT))
        .isEqualTo(id);
    assertThatThrownBy(
            () ->
                ca.issueCertificate(
                    id,
                    List.of(id.toString()),
                    now,
                    now.plusSeconds(60),
                    List.of(),
                    new DevCertificateAuthority.Usages(Set.of("everything"), List.of())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
