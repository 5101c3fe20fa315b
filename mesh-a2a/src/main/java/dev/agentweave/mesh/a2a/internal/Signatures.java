package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.PublicKey;

/** The public face of {@link CardSigner}'s verification, for the module's API package. */
public final class Signatures {
  private Signatures() {}

  /**
   * Whether one of the card's signatures verifies with the key.
   *
   * @param card the card
   * @param key the key
   * @return true when one does
   */
  public static boolean verify(JsonNode card, PublicKey key) {
    return CardSigner.verify(card, key);
  }
}
