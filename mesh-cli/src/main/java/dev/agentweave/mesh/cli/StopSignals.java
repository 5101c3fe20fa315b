package dev.agentweave.mesh.cli;

import java.util.function.Consumer;

/**
 * SIGTERM and SIGINT as a planned stop: the handler replaces the JVM's, which would run the
 * shutdown hooks and exit with status 143 (130) whatever happened. Uses {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}, present in every OpenJDK build); where a signal cannot be
 * handled the JVM's default stays.
 */
final class StopSignals {
  private StopSignals() {}

  /**
   * Installs the handler for TERM and INT.
   *
   * @param onSignal told the signal's name ({@code TERM}, {@code INT}); runs on the JVM's signal
   *     thread, so it must not block
   */
  @SuppressWarnings("removal")
  static void install(Consumer<String> onSignal) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> onSignal.accept(s.getName()));
      } catch (IllegalArgumentException unavailable) {
        // this platform or JVM does not let the signal be handled (-Xrs): the default stays
      }
    }
  }
}
