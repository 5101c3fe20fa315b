package dev.agentweave.mesh.a2a.internal;

import static dev.agentweave.mesh.config.ConfigSpec.bool;
import static dev.agentweave.mesh.config.ConfigSpec.integer;
import static dev.agentweave.mesh.config.ConfigSpec.seconds;

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
              "task_retention_seconds",
              seconds(3600, "How long a finished task can still be read."))
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
        v.bool("a2a.enabled"), v.integer("a2a.max_tasks"), v.seconds("a2a.task_retention_seconds"));
  }
}
