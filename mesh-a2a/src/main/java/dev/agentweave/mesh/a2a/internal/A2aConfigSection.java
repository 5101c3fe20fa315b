package dev.agentweave.mesh.a2a.internal;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.integer;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.a2a.A2aSettings;
import dev.agentweave.mesh.config.ConfigSection;
import dev.agentweave.mesh.config.ConfigSpec;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigValues;

/** The {@code a2a} section and the {@link A2aSettings} read from it (found with ServiceLoader). */
public final class A2aConfigSection implements ConfigSection<A2aSettings> {
  private static final Section SCHEMA =
      ConfigSpec.section()
          .add("enabled", bool(true, "Serve agent cards and the A2A JSON-RPC endpoint."))
          .add(
              "max_tasks",
              integer(
                  10_000, 1, 10_000_000, "Tasks a node keeps; the oldest finished one goes first."))
          .add(
              "max_task_bytes",
              integer(
                  67_108_864,
                  1_048_576,
                  Integer.MAX_VALUE,
                  "Bytes of requests and answers the kept tasks may hold."))
          .add(
              "task_retention_seconds",
              seconds(3600, "How long a finished task can still be read."))
          .add(
              "signing",
              ConfigSpec.section()
                  .add("enabled", bool(false, "Sign agent cards (JWS over the RFC 8785 form)."))
                  .add(
                      "key_file",
                      str(
                          "",
                          "PEM private key to sign cards with; empty: each agent's SVID key,"
                              + " with its chain in x5c."))
                  .add("kid", str("", "Key id of the signatures; required with key_file."))
                  .build())
          .build();

  /** Creates the section (for {@link java.util.ServiceLoader}). */
  public A2aConfigSection() {}

  @Override
  public String path() {
    return "a2a";
  }

  @Override
  public String module() {
    return "dev.agentweave:mesh-a2a";
  }

  @Override
  public Section schema() {
    return SCHEMA;
  }

  @Override
  public Class<A2aSettings> type() {
    return A2aSettings.class;
  }

  @Override
  public A2aSettings read(ConfigValues v) {
    return new A2aSettings(
        v.bool("a2a.enabled"),
        v.integer("a2a.max_tasks"),
        v.integer("a2a.max_task_bytes"),
        v.seconds("a2a.task_retention_seconds"),
        new A2aSettings.Signing(
            v.bool("a2a.signing.enabled"),
            v.str("a2a.signing.key_file"),
            v.str("a2a.signing.kid")));
  }

  @Override
  public void check(
      A2aSettings settings,
      ConfigValues values,
      boolean production,
      java.util.function.Consumer<dev.agentweave.mesh.config.ConfigProblem> problems) {
    A2aSettings.Signing s = settings.signing();
    if (s.enabled() && !s.keyFile().isEmpty() && s.kid().isEmpty()) {
      problems.accept(
          new dev.agentweave.mesh.config.ConfigProblem(
              "a2a.signing.kid",
              "\"\"",
              "a key id naming a2a.signing.key_file's key (required with a key file)",
              values.envSource("a2a.signing.kid")));
    }
  }
}
