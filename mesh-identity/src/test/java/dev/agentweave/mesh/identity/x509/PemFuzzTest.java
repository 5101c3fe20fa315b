package dev.agentweave.mesh.identity.x509;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentweave.mesh.identity.IdentityException;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the PEM reader (Jazzer): any text yields certificates or a key, or an
 * {@link IdentityException} with a message; no other exception escapes (a malformed file must not
 * crash a node that reloads its identity). Seeds: {@code PemFuzzTestInputs/<method>}.
 */
class PemFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void certificates(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    try {
      assertThat(Pem.parseCertificates(text, "fuzz")).isNotEmpty();
    } catch (IdentityException refused) {
      assertThat(refused.getMessage()).startsWith("fuzz: ");
    }
  }

  @FuzzTest(maxDuration = "30s")
  void privateKey(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    try {
      assertThat(Pem.parsePrivateKey(text, "fuzz")).isNotNull();
    } catch (IdentityException refused) {
      assertThat(refused.getMessage()).startsWith("fuzz: ");
    }
  }
}
