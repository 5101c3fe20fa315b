package dev.agentweave.mesh.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code agentweave} command. Exit codes: 0 success, 1 the command ran and found a problem
 * (invalid configuration, failed demo calls), 2 usage error.
 */
@Command(
    name = "agentweave",
    mixinStandardHelpOptions = true,
    versionProvider = AgentWeaveCli.Version.class,
    description = "AgentWeave for the JVM: secure multi-agent systems on Apache Pekko.",
    subcommands = {
      DemoCommand.class,
      NodeCommand.class,
      ValidateCommand.class,
      ConfigCommand.class,
      CaCommand.class,
      AuthzCommand.class,
      PingCommand.class,
      BenchCommand.class,
      CardCommand.class
    })
public final class AgentWeaveCli implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }

  /**
   * The configured picocli command line, for tests and embedding.
   *
   * @return the command line
   */
  public static CommandLine commandLine() {
    return new CommandLine(new AgentWeaveCli());
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentWeaveCli.class.getPackage().getImplementationVersion();
      return new String[] {"agentweave " + (v == null ? "development build" : v)};
    }
  }
}
