package dev.agentweave.mesh.authz;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A node's view of the coordinator: a near-cache miss asks the cluster singleton, which answers
 * from the authoritative cache or evaluates with its node's engine. Policy changes reach this node
 * through the coordinator's broadcasts, not through this engine.
 */
final class SingletonPolicyEngine implements PolicyEngine {
  private final ActorRef<Coordinator.Command> coordinator;
  private final ActorSystem<?> system;
  private final PolicyEngine local;
  private final Duration timeout;
  private volatile String lastVersion;

  /**
   * Creates the view.
   *
   * @param coordinator the singleton proxy
   * @param system the node's actor system
   * @param local the node's own engine (named for logs and versions before the first answer)
   * @param timeout how long an ask may take
   */
  public SingletonPolicyEngine(
      ActorRef<Coordinator.Command> coordinator,
      ActorSystem<?> system,
      PolicyEngine local,
      Duration timeout) {
    this.coordinator = coordinator;
    this.system = system;
    this.local = local;
    this.timeout = timeout;
    this.lastVersion = local.policyVersion();
  }

  @Override
  public CompletionStage<AuthzDecision> evaluate(SpiffeId caller, SpiffeId callee, String action) {
    return AskPattern.<Coordinator.Command, Coordinator.Decided>ask(
            coordinator,
            replyTo ->
                new Coordinator.Decide(caller.toString(), callee.toString(), action, replyTo),
            timeout,
            system.scheduler())
        .thenApply(
            d -> {
              if (d.error() != null) {
                throw new IllegalStateException(
                    "the authorization coordinator failed: " + d.error());
              }
              lastVersion = d.policyVersion();
              return new AuthzDecision(d.allowed(), d.reason(), d.policyVersion());
            });
  }

  @Override
  public String policyVersion() {
    return lastVersion;
  }

  @Override
  public void onPolicyChange(Runnable listener) {
    local.onPolicyChange(listener);
  }

  @Override
  public String name() {
    return local.name();
  }
}
