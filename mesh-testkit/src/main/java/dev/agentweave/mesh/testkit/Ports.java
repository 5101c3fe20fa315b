package dev.agentweave.mesh.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for nodes a test configures before they start (gateways other nodes
 * call, cluster seeds, node processes).
 *
 * <p>A port is taken below the system's ephemeral range when it can be: a node binds it moments or
 * seconds later, and meanwhile a port of the ephemeral range may become the local end of an
 * outgoing connection (a test's pooled clients open many). A port is handed out at most once per
 * JVM. Thread-safe.
 */
public final class Ports {
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
  private static final int LOWEST = 20_000;

  private Ports() {}

  /**
   * A TCP port that was free on 127.0.0.1 a moment ago and was not handed out before.
   *
   * @return the port
   * @throws UncheckedIOException if no port can be bound at all
   */
  public static int freeLoopbackPort() {
    int ephemeralLow = ephemeralLow();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200 && ephemeralLow > LOWEST + 1; attempt++) {
      int port = random.nextInt(LOWEST, ephemeralLow);
      if (GIVEN.add(port) && bindable(port)) {
        return port;
      }
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind any loopback port", e);
      }
    }
    throw new IllegalStateException("no loopback port left that was not handed out before");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  private static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      if (Files.isReadable(range)) {
        return Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
      }
    } catch (IOException | NumberFormatException unreadable) {
      // fall back to the IANA range
    }
    return 49_152;
  }
}
