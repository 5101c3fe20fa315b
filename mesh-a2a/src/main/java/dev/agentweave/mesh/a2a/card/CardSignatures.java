package dev.agentweave.mesh.a2a.card;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.SpiffeId;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Checks the signatures of an A2A agent card (JWS over the card's RFC 8785 form, as a node with
 * {@code a2a.signing.enabled} writes them and as the A2A SDKs verify them): against a public key,
 * or against a trust bundle through the certificate chain a signature carries in {@code x5c}.
 *
 * <pre>{@code
 * Optional<String> signer = CardSignatures.verify(card, bundle.certificates());
 * }</pre>
 */
public final class CardSignatures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CardSignatures() {}

  /**
   * Whether one of the card's signatures verifies with the key.
   *
   * @param card the card as served, with its {@code signatures}
   * @param key the signer's public key
   * @return true when one verifies
   */
  public static boolean verify(JsonNode card, PublicKey key) {
    return dev.agentweave.mesh.a2a.internal.Signatures.verify(card, key);
  }

  /**
   * The signer of the first signature whose {@code x5c} chain leads to one of the roots and that
   * verifies with the chain's leaf: its SPIFFE ID when the leaf has one, else its subject.
   *
   * @param card the card as served
   * @param roots the trusted certificates (a trust bundle)
   * @return the signer, or empty when no signature verifies that way
   */
  public static Optional<String> verify(JsonNode card, Collection<X509Certificate> roots) {
    for (JsonNode sig : card.path("signatures")) {
      try {
        JsonNode header =
            JSON.readTree(Base64.getUrlDecoder().decode(sig.path("protected").asText("")));
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        for (JsonNode c : header.path("x5c")) {
          chain.add(
              (X509Certificate)
                  f.generateCertificate(
                      new ByteArrayInputStream(Base64.getDecoder().decode(c.asText()))));
        }
        if (chain.isEmpty() || !chained(chain, roots)) {
          continue;
        }
        X509Certificate leaf = chain.get(0);
        leaf.checkValidity();
        JsonNode one = card.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) one).putArray("signatures").add(sig);
        if (verify(one, leaf.getPublicKey())) {
          return Optional.of(signer(leaf));
        }
      } catch (Exception e) {
        // a signature that cannot be read is one that does not verify; try the next
      }
    }
    return Optional.empty();
  }

  private static boolean chained(List<X509Certificate> chain, Collection<X509Certificate> roots) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      for (X509Certificate root : roots) {
        if (signedBy(c, root)) {
          return true;
        }
      }
      if (i + 1 >= chain.size() || !signedBy(c, chain.get(i + 1))) {
        return false;
      }
    }
    return false;
  }

  private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
    try {
      c.verify(issuer.getPublicKey());
      return c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String signer(X509Certificate leaf) throws GeneralSecurityException {
    Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        if (Integer.valueOf(6).equals(san.get(0))
            && String.valueOf(san.get(1)).startsWith("spiffe://")) {
          return SpiffeId.parse(String.valueOf(san.get(1))).toString();
        }
      }
    }
    return leaf.getSubjectX500Principal().getName();
  }
}
