package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.internal.ConfigSchema;
import dev.agentweave.mesh.internal.ConfigSchema.Leaf;
import java.util.List;
import java.util.Map;
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
    Map<String, String> env = ConfigSchema.environmentNames();
    for (Map.Entry<String, Leaf> e : ConfigSchema.leaves().entrySet()) {
      Leaf leaf = e.getValue();
      String variable =
          env.entrySet().stream()
              .filter(x -> x.getValue().equals(e.getKey()))
              .map(x -> "`" + x.getKey() + "`")
              .findFirst()
              .orElse("(list item)");
      sb.append("| `")
          .append(e.getKey())
          .append("` | ")
          .append(leaf.required() ? "required" : render(leaf.defaultValue()))
          .append(" | ")
          .append(leaf.expected().replace("|", "\\|"))
          .append(" | ")
          .append(variable)
          .append(" | ")
          .append(leaf.doc())
          .append(
              leaf.pending() == null ? "" : " Validated; takes effect with " + leaf.pending() + ".")
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String render(Object v) {
    if (v == null) {
      return "(declared in code)";
    }
    if ("".equals(v)) {
      return "`\"\"`";
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? "`[]`" : "`" + l + "`";
    }
    return "`" + v + "`";
  }
}
