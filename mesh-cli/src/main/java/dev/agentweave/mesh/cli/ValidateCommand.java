package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.ConfigProblem;
import dev.agentweave.mesh.config.MeshSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentweave validate FILE}: prints OK and exits 0, or one line per problem and exits 1. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Validate a config.yaml (environment overrides and production rules included).")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The configuration file.")
  Path file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      MeshSettings s = MeshSettings.load(file);
      for (String w : s.warnings()) {
        out.println("warning: " + w);
      }
      out.println("OK");
      out.flush();
      return 0;
    } catch (ConfigException e) {
      for (ConfigProblem p : e.problems()) {
        out.println(file + ": " + p);
      }
      out.flush();
      return 1;
    }
  }
}
