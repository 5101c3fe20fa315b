package dev.agentweave.mesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsAreBindableOnLoopback_andNeverHandedOutTwice() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = Ports.freeLoopbackPort();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isBetween(1, 65_535);
    }
    int port = Ports.freeLoopbackPort();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(s.getLocalPort()).isEqualTo(port);
    }
  }
}
