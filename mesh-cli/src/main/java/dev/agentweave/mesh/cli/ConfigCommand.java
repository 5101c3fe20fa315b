package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.config.ConfigReference;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code agentweave config reference}: prints the table of every key, default and constraint. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Configuration tools.",
    subcommands = {ConfigCommand.Reference.class})
final class ConfigCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Prints the key reference as a Markdown table. */
  @Command(name = "reference", description = "Print every configuration key as a Markdown table.")
  static final class Reference implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(table());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /**
   * The Markdown table of every key, generated from the schema.
   *
   * @return the table
   */
  static String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | default | expected | environment variable | meaning |\n");
    sb.append("|---|---|---|---|---|\n");
    for (ConfigReference.Key key : ConfigReference.keys()) {
      sb.append("| `")
          .append(key.path())
          .append("` | ")
          .append(
              key.required()
                  ? "required"
                  : key.defaultValue().map(v -> "`" + v + "`").orElse("(declared in code)"))
          .append(" | ")
          .append(key.expected().replace("|", "\\|"))
          .append(" | ")
          .append(key.environmentVariable().map(v -> "`" + v + "`").orElse("(list item)"))
          .append(" | ")
          .append(key.description())
          .append(
              key.pendingUntil().map(p -> " Validated; takes effect with " + p + ".").orElse(""))
          .append(" |\n");
    }
    return sb.toString();
  }
}
