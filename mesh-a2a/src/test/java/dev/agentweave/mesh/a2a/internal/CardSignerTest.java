package dev.agentweave.mesh.a2a.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.a2a.internal.A2aWire.Version;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class CardSignerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  record Q(String q) {}

  static ObjectNode card() {
    Agent a =
        Agent.of("search").withCapability(Capability.of("search", Q.class, Q.class, (ctx, q) -> q));
    return AgentCards.card(a, URI.create("https://localhost:8443"), "t.local", Version.V10);
  }

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  @Test
  void jcs_sortsMembers_andWritesStringsAndNumbersAsEcmaScriptDoes() throws Exception {
    JsonNode n =
        JSON.readTree(
            "{\"b\":[1,true,null],\"a\":\"\\u00e9\\n\\u0001\\\"\",\"\\u20ac\":1,\"c\":{\"z\":1,\"y\":2}}");
    assertThat(Jcs.write(n))
        .isEqualTo(
            "{\"a\":\"\u00e9\\n\\u0001\\\"\",\"b\":[1,true,null],\"c\":{\"y\":2,\"z\":1},\"\u20ac\":1}");
    // RFC 8785's number examples
    assertThat(Jcs.number(1e30)).isEqualTo("1e+30");
    assertThat(Jcs.number(4.5)).isEqualTo("4.5");
    assertThat(Jcs.number(0.002)).isEqualTo("0.002");
    assertThat(Jcs.number(1e-7)).isEqualTo("1e-7");
    assertThat(Jcs.number(-0.0)).isEqualTo("0");
    assertThat(Jcs.number(1e21)).isEqualTo("1e+21");
    assertThat(Jcs.number(123456789012345680000.0)).isEqualTo("123456789012345680000");
  }

  @Test
  void aSignedCard_verifiesWithItsKey_notWithAnother_andNotOnceChanged() throws Exception {
    for (KeyPair keys : List.of(ec("secp256r1"), ec("secp384r1"), rsa())) {
      ObjectNode signed = CardSigner.sign(card(), keys.getPrivate(), List.of(), "k1");
      assertThat(CardSigner.verify(signed, keys.getPublic()))
          .as(keys.getPublic().getAlgorithm())
          .isTrue();
      assertThat(CardSigner.verify(signed, ec("secp256r1").getPublic())).isFalse();
      ObjectNode changed = signed.deepCopy();
      changed.put("version", "9.9.9");
      assertThat(CardSigner.verify(changed, keys.getPublic())).isFalse();
      // what the canonical form leaves out (empty values) may change without breaking it
      ObjectNode padded = signed.deepCopy();
      padded.putArray("unusedEmptyList");
      assertThat(CardSigner.verify(padded, keys.getPublic())).isTrue();
    }
  }

  @Test
  void aSecondSignature_isAdded_andEitherVerifies() throws Exception {
    KeyPair one = ec("secp256r1");
    KeyPair two = ec("secp256r1");
    ObjectNode signed =
        CardSigner.sign(
            CardSigner.sign(card(), one.getPrivate(), List.of(), "one"),
            two.getPrivate(),
            List.of(),
            "two");
    assertThat(signed.get("signatures")).hasSize(2);
    assertThat(CardSigner.verify(signed, one.getPublic())).isTrue();
    assertThat(CardSigner.verify(signed, two.getPublic())).isTrue();
  }

  @Test
  void aCardWithEmptyRequiredValues_isRefused_withTheirNames() throws Exception {
    ObjectNode empty =
        AgentCards.card(
            Agent.of("idle"), URI.create("https://localhost:1"), "t.local", Version.V10);
    assertThat(CardSigner.emptyRequired(empty)).containsExactly("skills");
    assertThatThrownBy(() -> CardSigner.sign(empty, ec("secp256r1").getPrivate(), List.of(), "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required values are empty (skills)");
    assertThat(CardSigner.emptyRequired(card())).isEmpty();
  }

  @Test
  void malformedSignatures_doNotVerify_andDoNotThrow() throws Exception {
    KeyPair keys = ec("secp256r1");
    ObjectNode signed = CardSigner.sign(card(), keys.getPrivate(), List.of(), "k");
    for (String bad : List.of("", "!!!", "e30", "eyJhbGciOiJub25lIn0")) {
      ObjectNode c = signed.deepCopy();
      ((ObjectNode) c.get("signatures").get(0)).put("protected", bad);
      assertThat(CardSigner.verify(c, keys.getPublic())).isFalse();
    }
    ObjectNode shortSig = signed.deepCopy();
    ((ObjectNode) shortSig.get("signatures").get(0)).put("signature", "AAAA");
    assertThat(CardSigner.verify(shortSig, keys.getPublic())).isFalse();
  }

  @Test
  void ecdsaSignatures_convertBetweenDerAndJose() throws Exception {
    KeyPair keys = ec("secp256r1");
    for (int i = 0; i < 50; i++) {
      java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
      s.initSign(keys.getPrivate());
      s.update(new byte[] {(byte) i});
      byte[] der = s.sign();
      byte[] jose = CardSigner.derToJose(der, 32);
      assertThat(jose).hasSize(64);
      assertThat(CardSigner.joseToDer(jose, 32)).isEqualTo(der);
    }
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
