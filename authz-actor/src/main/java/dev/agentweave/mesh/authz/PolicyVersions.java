package dev.agentweave.mesh.authz;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Policy versions of file-backed engines: the engine's name and a short hash of its files. */
final class PolicyVersions {
  private PolicyVersions() {}

  /**
   * A version such as {@code cedar:3f1c0a9e12b4}.
   *
   * @param engine the engine name
   * @param parts the contents that make up the policy, separated by a zero byte
   * @return the version
   */
  static String of(String engine, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          md.update((byte) 0);
        }
        md.update(parts[i]);
      }
      return engine + ":" + HexFormat.of().formatHex(md.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
