package dev.agentweave.mesh.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 64 random bits, formatted as 16 hex digits only when someone reads them. */
final class RequestIds {
  private RequestIds() {}

  static long next() {
    return ThreadLocalRandom.current().nextLong();
  }

  static String format(long bits) {
    String hex = Long.toHexString(bits);
    return "0000000000000000".substring(hex.length()) + hex;
  }
}
