package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.config.AuthorizationSettings.AllowRule;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in authorizers. {@code allow-list} is the interim engine until the policy engines
 * (Cedar, OPA) arrive: a static list of rules from {@code authorization.allow}, deny by default.
 * {@code allow-all} allows everything and is refused in production.
 */
public final class Authorizers {
  private Authorizers() {}

  /**
   * The authorizer named by {@code authorization.provider}.
   *
   * @param settings the node settings
   * @param metrics the node's metrics
   * @return the authorizer
   */
  public static Authorizer fromSettings(
      MeshSettings settings, dev.agentweave.mesh.Metrics metrics) {
    String name = settings.authorization().provider();
    switch (name) {
      case "allow-all":
        return new AllowAll();
      case "allow-list":
        return new AllowList(settings.authorization().allow());
      default:
        for (dev.agentweave.mesh.spi.AuthorizerProvider p :
            java.util.ServiceLoader.load(
                dev.agentweave.mesh.spi.AuthorizerProvider.class,
                Authorizers.class.getClassLoader())) {
          if (p.name().equals(name)) {
            return p.create(settings, metrics);
          }
        }
        throw new IllegalArgumentException(
            "authorization.provider: '"
                + name
                + "' has no implementation on the classpath (expected: allow-list, allow-all, or"
                + " a policy engine module such as dev.agentweave:authz-actor for cedar)");
    }
  }

  /** Allows every call. Development only. */
  static final class AllowAll implements Authorizer {
    private static final CompletableFuture<AuthzDecision> ALLOW =
        CompletableFuture.completedFuture(
            AuthzDecision.allow("allow-all provider (development only)", "allow-all"));

    @Override
    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
      return ALLOW;
    }

    @Override
    public String name() {
      return "allow-all";
    }
  }

  /**
   * The interim allow-list engine: a call is allowed when a rule's caller and callee globs match
   * and its actions include the action or {@code *}; otherwise it is denied. Decisions are computed
   * on the calling thread; results are pre-built completed stages per rule.
   */
  public static final class AllowList implements Authorizer {
    private final List<AllowRule> rules;
    private final CompletableFuture<AuthzDecision>[] allows;
    private final CompletableFuture<AuthzDecision> deny;

    /**
     * Creates the engine.
     *
     * @param rules the rules, in order
     */
    @SuppressWarnings("unchecked")
    public AllowList(List<AllowRule> rules) {
      this.rules = List.copyOf(rules);
      this.allows = new CompletableFuture[this.rules.size()];
      String version = "allow-list:" + Integer.toHexString(this.rules.hashCode());
      for (int i = 0; i < allows.length; i++) {
        AllowRule r = this.rules.get(i);
        allows[i] =
            CompletableFuture.completedFuture(
                AuthzDecision.allow(
                    "allow rule "
                        + i
                        + " ("
                        + r.caller()
                        + " -> "
                        + r.callee()
                        + " "
                        + r.actions()
                        + ")",
                    version));
      }
      deny =
          CompletableFuture.completedFuture(
              AuthzDecision.deny("no allow rule matches (deny by default)", version));
    }

    @Override
    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
      String caller = request.caller().toString();
      String callee = request.callee().toString();
      for (int i = 0; i < allows.length; i++) {
        AllowRule r = rules.get(i);
        if ((r.actions().contains("*") || r.actions().contains(request.action()))
            && r.caller().matches(caller)
            && r.callee().matches(callee)) {
          return allows[i];
        }
      }
      return deny;
    }

    @Override
    public String name() {
      return "allow-list";
    }
  }
}
