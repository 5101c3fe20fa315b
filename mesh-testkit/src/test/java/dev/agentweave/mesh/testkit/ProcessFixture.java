package dev.agentweave.mesh.testkit;

import java.util.concurrent.CountDownLatch;

/**
 * The main class of the child processes of {@link NodeProcessTest}: a real JVM that behaves like
 * {@code agentweave node} where the handle looks (a {@code ready} line, a line on SIGTERM), so the
 * handle's signals and waits are tested without a whole node.
 */
public final class ProcessFixture {
  private ProcessFixture() {}

  /**
   * Runs the fixture.
   *
   * @param args {@code serve} prints ready and waits for a signal; {@code fail} exits with 3
   * @throws InterruptedException never in practice
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("fail")) {
      System.out.println("cannot start: the fixture was told to fail");
      System.exit(3);
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> System.out.println("stopping on SIGTERM"), "hook"));
    System.out.println("ready https://127.0.0.1:18443");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
