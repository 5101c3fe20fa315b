package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Agent card signatures (A2A 1.0 §8.4): a JWS (RFC 7515) whose payload is the RFC 8785 canonical
 * form of the card without its {@code signatures}, in the card's {@code signatures} as {@code
 * {"protected": ..., "signature": ...}}. Before canonicalization, empty values are left out, as the
 * SDKs' canonicalizers do (they write protocol buffers' JSON, which omits default values, and then
 * drop what is empty); the A2A 1.0 shape is the one they read. A card whose required values are
 * empty is refused, since a signature over it would not verify there. ES256/ES384/ES512 for EC
 * keys, RS256 for RSA.
 */
final class CardSigner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  private CardSigner() {}

  /** The canonical form a signature covers. */
  static byte[] payload(JsonNode card) {
    JsonNode copy = card.deepCopy();
    if (copy instanceof ObjectNode o) {
      o.remove("signatures");
    }
    JsonNode clean = withoutEmpty(copy);
    return (clean == null ? "{}" : Jcs.write(clean)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The card without its empty values, recursively: empty strings, nulls, and arrays and objects
   * that are empty once their own empty values are gone. This is what the SDKs' canonicalizers do,
   * so a signature made here verifies there.
   */
  private static JsonNode withoutEmpty(JsonNode n) {
    if (n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty())) {
      return null;
    }
    if (n instanceof ObjectNode o) {
      ObjectNode out = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = withoutEmpty(e.getValue());
        if (v != null) {
          out.set(e.getKey(), v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (n instanceof ArrayNode a) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode x : a) {
        JsonNode v = withoutEmpty(x);
        if (v != null) {
          out.add(v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    return n;
  }

  /** The required values of a card that are empty, by path; none for a card that may be signed. */
  static List<String> emptyRequired(JsonNode card) {
    List<String> empty = new ArrayList<>();
    for (String f : List.of("name", "description", "version")) {
      if (card.path(f).asText("").isEmpty()) {
        empty.add(f);
      }
    }
    for (String f : List.of("skills", "defaultInputModes", "defaultOutputModes")) {
      if (!card.path(f).isArray() || card.path(f).isEmpty()) {
        empty.add(f);
      }
    }
    JsonNode skills = card.path("skills");
    for (int i = 0; i < skills.size(); i++) {
      JsonNode s = skills.get(i);
      for (String f : List.of("id", "name", "description")) {
        if (s.path(f).asText("").isEmpty()) {
          empty.add("skills[" + i + "]." + f);
        }
      }
      if (s.path("tags").isEmpty()) {
        empty.add("skills[" + i + "].tags");
      }
    }
    return empty;
  }

  /**
   * The card with one signature added.
   *
   * @param chain the signer's certificate chain, leaf first, put in the header as {@code x5c};
   *     empty for a key without one
   * @throws IllegalArgumentException naming the empty required values of a card that cannot be
   *     signed
   */
  static ObjectNode sign(ObjectNode card, PrivateKey key, List<X509Certificate> chain, String kid) {
    List<String> empty = emptyRequired(card);
    if (!empty.isEmpty()) {
      throw new IllegalArgumentException(
          "agent card '"
              + card.path("name").asText()
              + "' cannot be signed: required values are empty ("
              + String.join(", ", empty)
              + "); the SDKs' canonicalizers drop empty values, so a signature over them would"
              + " not verify elsewhere");
    }
    String alg = alg(key);
    ObjectNode header = JSON.createObjectNode();
    header.put("alg", alg);
    header.put("typ", "JOSE");
    header.put("kid", kid);
    if (!chain.isEmpty()) {
      ArrayNode x5c = header.putArray("x5c");
      for (X509Certificate c : chain) {
        try {
          x5c.add(Base64.getEncoder().encodeToString(c.getEncoded()));
        } catch (CertificateEncodingException e) {
          throw new IllegalStateException("a certificate of the chain cannot be encoded", e);
        }
      }
    }
    String protectedHeader =
        B64URL.encodeToString(Jcs.write(header).getBytes(StandardCharsets.UTF_8));
    String input = protectedHeader + "." + B64URL.encodeToString(payload(card));
    byte[] signature;
    try {
      Signature s = Signature.getInstance(javaAlgorithm(alg));
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the card cannot be signed with this key: " + e.getMessage(), e);
    }
    if (alg.startsWith("ES")) {
      signature = derToJose(signature, coordinateBytes(alg));
    }
    ObjectNode signed = card.deepCopy();
    ArrayNode signatures =
        signed.has("signatures") && signed.get("signatures").isArray()
            ? (ArrayNode) signed.get("signatures")
            : signed.putArray("signatures");
    signatures
        .addObject()
        .put("protected", protectedHeader)
        .put("signature", B64URL.encodeToString(signature));
    return signed;
  }

  /** Whether one of the card's signatures verifies with the key. */
  static boolean verify(JsonNode card, PublicKey key) {
    JsonNode signatures = card.path("signatures");
    byte[] payload = payload(card);
    for (JsonNode sig : signatures) {
      try {
        String protectedHeader = sig.path("protected").asText("");
        JsonNode header = JSON.readTree(B64URL_DECODER.decode(protectedHeader));
        String alg = header.path("alg").asText("");
        byte[] signature = B64URL_DECODER.decode(sig.path("signature").asText(""));
        if (alg.startsWith("ES")) {
          signature = joseToDer(signature, coordinateBytes(alg));
        }
        Signature s = Signature.getInstance(javaAlgorithm(alg));
        s.initVerify(key);
        s.update(
            (protectedHeader + "." + B64URL.encodeToString(payload))
                .getBytes(StandardCharsets.US_ASCII));
        if (s.verify(signature)) {
          return true;
        }
      } catch (Exception e) {
        // a malformed or foreign signature is one that does not verify; try the next
      }
    }
    return false;
  }

  static String alg(java.security.Key key) {
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512";
    }
    if (key instanceof RSAKey) {
      return "RS256";
    }
    throw new IllegalArgumentException(
        "cards are signed with EC or RSA keys, not " + key.getAlgorithm());
  }

  private static String javaAlgorithm(String alg) throws GeneralSecurityException {
    return switch (alg) {
      case "ES256" -> "SHA256withECDSA";
      case "ES384" -> "SHA384withECDSA";
      case "ES512" -> "SHA512withECDSA";
      case "RS256" -> "SHA256withRSA";
      default -> throw new GeneralSecurityException("unsupported JWS alg '" + alg + "'");
    };
  }

  private static int coordinateBytes(String alg) {
    return switch (alg) {
      case "ES256" -> 32;
      case "ES384" -> 48;
      default -> 66;
    };
  }

  /** An ECDSA signature from DER (SEQUENCE of two INTEGERs) to JWS's fixed-size R || S. */
  static byte[] derToJose(byte[] der, int n) {
    int i = 2;
    if ((der[1] & 0x80) != 0) {
      i = 2 + (der[1] & 0x7f);
    }
    byte[] out = new byte[2 * n];
    for (int k = 0; k < 2; k++) {
      if (der[i] != 0x02) {
        throw new IllegalArgumentException("not a DER ECDSA signature");
      }
      int len = der[i + 1] & 0xff;
      int start = i + 2;
      int skip = 0;
      while (len - skip > n && der[start + skip] == 0) {
        skip++;
      }
      int copy = len - skip;
      System.arraycopy(der, start + skip, out, k * n + (n - copy), copy);
      i = start + len;
    }
    return out;
  }

  /** JWS's R || S back to DER. */
  static byte[] joseToDer(byte[] jose, int n) {
    if (jose.length != 2 * n) {
      throw new IllegalArgumentException("an ECDSA JWS signature of " + 2 * n + " bytes expected");
    }
    byte[][] parts = new byte[2][];
    for (int k = 0; k < 2; k++) {
      int start = k * n;
      int skip = 0;
      while (skip < n - 1 && jose[start + skip] == 0) {
        skip++;
      }
      boolean pad = (jose[start + skip] & 0x80) != 0;
      byte[] v = new byte[n - skip + (pad ? 1 : 0)];
      System.arraycopy(jose, start + skip, v, pad ? 1 : 0, n - skip);
      parts[k] = v;
    }
    int body = 2 + parts[0].length + 2 + parts[1].length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0x30);
    if (body > 127) {
      out.write(0x81);
    }
    out.write(body);
    for (byte[] p : parts) {
      out.write(0x02);
      out.write(p.length);
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
