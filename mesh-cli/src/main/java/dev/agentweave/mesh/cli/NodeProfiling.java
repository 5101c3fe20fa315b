package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.support.Bounded;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import one.profiler.AsyncProfiler;

/**
 * What {@code agentweave node --profile DIR} records for the run: a JFR recording with the JDK's
 * {@code profile} settings, and, with {@code --flame EVENT}, an async-profiler flame graph. Both
 * are written into DIR when the node stops.
 */
final class NodeProfiling implements AutoCloseable {
  /** The most a JFR recording keeps on disk; older chunks are dropped beyond it. */
  static final long MAX_JFR_BYTES = 1L << 30;

  private final Recording recording;
  private final Path jfr;
  private final AsyncProfiler profiler;
  private final Path flame;
  private final PrintWriter err;

  private NodeProfiling(
      Recording recording, Path jfr, AsyncProfiler profiler, Path flame, PrintWriter err) {
    this.recording = recording;
    this.jfr = jfr;
    this.profiler = profiler;
    this.flame = flame;
    this.err = err;
  }

  /**
   * Starts recording.
   *
   * @param dir where the files go (created if missing)
   * @param name the node's name, in the file names
   * @param flameEvent {@code cpu}, {@code alloc}, {@code wall} or {@code lock} for a flame graph,
   *     or {@code null} for JFR only
   * @param err where to say what is recorded
   * @return the running profiling
   * @throws IllegalArgumentException if the directory cannot be made or the event is unknown
   * @throws IllegalStateException if async-profiler cannot start here
   */
  static NodeProfiling start(Path dir, String name, String flameEvent, PrintWriter err) {
    if (flameEvent != null && !flameEvent.matches("cpu|alloc|wall|lock")) {
      throw new IllegalArgumentException(
          "--flame: '" + Bounded.cut(flameEvent, 64) + "' (expected: cpu, alloc, wall or lock)");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--profile "
              + dir
              + ": cannot create the directory ("
              + e.getClass().getSimpleName()
              + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException("--profile " + dir + ": not writable");
    }
    String stamp =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    Path jfr = dir.resolve(name + "-" + stamp + ".jfr");
    Recording recording;
    try {
      recording = new Recording(Configuration.getConfiguration("profile"));
    } catch (IOException | ParseException e) {
      throw new IllegalStateException(
          "JFR: the profile settings cannot be read: " + e.getMessage());
    }
    recording.setName("agentweave-node");
    recording.setToDisk(true);
    recording.setMaxSize(MAX_JFR_BYTES);
    try {
      recording.setDestination(jfr);
    } catch (IOException e) {
      throw new IllegalArgumentException("--profile " + dir + ": " + e.getMessage());
    }
    AsyncProfiler profiler = null;
    Path flame = null;
    if (flameEvent != null) {
      flame = dir.resolve(name + "-" + stamp + "-" + flameEvent + ".html");
      profiler = startAsyncProfiler(flameEvent, err);
    }
    recording.start();
    err.println(
        "profiling: JFR to "
            + jfr
            + (flame == null ? "" : ", " + flameEvent + " flame graph to " + flame)
            + " (written when the node stops)");
    err.flush();
    return new NodeProfiling(recording, jfr, profiler, flame, err);
  }

  private static AsyncProfiler startAsyncProfiler(String event, PrintWriter err) {
    AsyncProfiler profiler;
    try {
      profiler = AsyncProfiler.getInstance();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new IllegalStateException(
          "--flame: async-profiler cannot be loaded on this platform (" + e.getMessage() + ")");
    }
    try {
      profiler.execute("start,event=" + event + ",interval=" + interval(event));
    } catch (IOException | RuntimeException e) {
      if (!event.equals("cpu")) {
        throw new IllegalStateException("--flame " + event + ": " + e.getMessage());
      }
      // Without perf events (a container, perf_event_paranoid), CPU time comes from itimer.
      try {
        profiler.execute("start,event=itimer,interval=1ms");
        err.println("profiling: perf events unavailable (" + e.getMessage() + "), CPU by itimer");
      } catch (IOException | RuntimeException again) {
        throw new IllegalStateException("--flame cpu: " + again.getMessage());
      }
    }
    return profiler;
  }

  private static String interval(String event) {
    return switch (event) {
      case "alloc" -> "512k";
      case "lock" -> "10us";
      default -> "1ms";
    };
  }

  /** Stops recording and writes the files. */
  @Override
  public void close() {
    if (profiler != null) {
      try {
        profiler.execute("stop,file=" + flame + ",title=agentweave node");
        err.println("profiling: wrote " + flame);
      } catch (IOException | RuntimeException e) {
        err.println("profiling: the flame graph was not written: " + e.getMessage());
      }
    }
    recording.stop();
    recording.close();
    err.println("profiling: wrote " + jfr);
    err.flush();
  }
}
