package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.config.MeshSettings;
import dev.agentweave.mesh.node.MeshNode;
import java.util.Map;

/** The README's example, compiled and run by the build. */
public final class QuickStart {
  /**
   * A greeting request.
   *
   * @param name who to greet
   */
  public record Greeting(String name) {}

  /**
   * A greeting.
   *
   * @param text the greeting
   */
  public record Reply(String text) {}

  private QuickStart() {}

  /**
   * Starts a node with a greeter agent, calls it once as agent {@code app}, prints the reply.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }

  static String run() {
    // tag::quickstart[]
    Agent greeter =
        Agent.of("greeter")
            .withCapability(
                Capability.of(
                    "greet",
                    Greeting.class,
                    Reply.class,
                    (ctx, req) -> new Reply("Hello " + req.name() + ", from " + ctx.self())));

    MeshSettings settings =
        MeshSettings.parse(
            "inline",
            """
            agent: {name: greeter, trust_domain: example.org, environment: development}
            authorization:
              allow:
                - caller: spiffe://example.org/agent/app
                  callee: spiffe://example.org/agent/greeter
                  actions: [greet]
            """,
            Map.of());

    try (MeshNode node = MeshNode.builder(settings).agent(greeter).agent(Agent.of("app")).start()) {
      Reply reply =
          node.agent("app")
              .ref("spiffe://example.org/agent/greeter")
              .ask("greet", new Greeting("Ada"), Reply.class)
              .toCompletableFuture()
              .join();
      return reply.text(); // Hello Ada, from spiffe://example.org/agent/greeter
    }
    // end::quickstart[]
  }
}
