package dev.agentweave.mesh.cli;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.config.AuthorizationSettings;
import dev.agentweave.mesh.config.ConfigException;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentweave authz}: authorization tools. */
@Command(
    name = "authz",
    mixinStandardHelpOptions = true,
    description = "Authorization tools.",
    subcommands = {AuthzCommand.Check.class})
final class AuthzCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Asks the configured policy one question. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Print allow or deny, then the reason and the policy version, for one question to the"
              + " configured authorization provider. Exit 0 either way; 2 on a usage or config error.")
  static final class Check implements Callable<Integer> {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        defaultValue = "config/node.yaml",
        description = "The node config (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
        names = "--caller",
        required = true,
        paramLabel = "ID",
        description = "The caller's SPIFFE ID.")
    String caller;

    @Option(
        names = "--callee",
        required = true,
        paramLabel = "ID",
        description = "The callee's SPIFFE ID.")
    String callee;

    @Option(
        names = "--action",
        required = true,
        paramLabel = "NAME",
        description = "The capability.")
    String action;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      SpiffeId from;
      SpiffeId to;
      try {
        from = SpiffeId.parse(caller);
        to = SpiffeId.parse(callee);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
      MeshSettings settings;
      try {
        settings = MeshSettings.load(config);
      } catch (ConfigException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
      // A dry run: the question is not a call, so it is not written to the audit log, and the
      // node serves no gateway.
      AuthorizationSettings a = settings.authorization();
      MeshSettings quiet =
          settings
              .withAuthorization(
                  a.withAudit(
                      new AuthorizationSettings.AuditSettings(false, a.audit().destination())))
              .withServer(settings.server().withEnabled(false));
      MeshNode node;
      try {
        node = MeshNode.builder(quiet).start();
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
      try {
        AuthzDecision d =
            node.checkAuthorization(from, to, action)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        PrintWriter out = spec.commandLine().getOut();
        out.println(d.allowed() ? "allow" : "deny");
        out.println("reason: " + d.reason());
        out.println("policy version: " + d.policyVersion());
        out.flush();
        return 0;
      } catch (Exception e) {
        err.println("no decision: " + e);
        err.flush();
        return 2;
      } finally {
        node.close();
      }
    }
  }
}
