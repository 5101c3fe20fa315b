package dev.agentweave.mesh;

import static dev.agentweave.mesh.TestSettings.id;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.agentweave.mesh.node.MeshNode;
import dev.agentweave.mesh.spi.Authorizer;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.spi.AuthzRequest;
import dev.agentweave.mesh.spi.Direction;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuthorizationTest {
  record Msg(String text) {}

  private MeshNode node;
  private final AtomicInteger handled = new AtomicInteger();

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private Agent target() {
    return Agent.of("vault")
        .withCapability(
            Capability.of(
                "read",
                Msg.class,
                Msg.class,
                (c, r) -> {
                  handled.incrementAndGet();
                  return r;
                }))
        .withCapability(
            Capability.of(
                    "admin",
                    Msg.class,
                    Msg.class,
                    (c, r) -> {
                      handled.incrementAndGet();
                      return r;
                    })
                .withRequiredPeers("spiffe://test.local/agent/ops-*"));
  }

  private static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("stage succeeded");
  }

  @Test
  void allowList_deniesByDefault_andTheHandlerNeverRuns() throws Exception {
    node =
        MeshNode.builder(
                TestSettings.yaml(
                    """
        agent: {name: client, trust_domain: test.local, environment: development}
        authorization:
          allow:
            - caller: spiffe://test.local/agent/client
              callee: spiffe://test.local/agent/vault
              actions: [read]
        """))
            .agent(Agent.of("client"))
            .agent(Agent.of("intruder"))
            .agent(target())
            .start();
    Msg ok =
        node.agent("client")
            .ref(id("vault"))
            .ask("read", new Msg("a"), Msg.class)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertThat(ok).isEqualTo(new Msg("a"));
    assertThat(
            failure(node.agent("intruder").ref(id("vault")).ask("read", new Msg("b"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageStartingWith(
            "permission denied: spiffe://test.local/agent/intruder may not call 'read' on")
        .hasMessageMatching(".*\\(decision [0-9a-f]{32}\\)")
        .message()
        .doesNotContain("no allow rule");
    assertThat(failure(node.agent("client").ref(id("vault")).ask("admin", new Msg("c"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(handled).hasValue(1);
  }

  @Test
  void unknownCapability_isReportedOnlyAfterAuthorization() throws Exception {
    node =
        MeshNode.builder(
                TestSettings.yaml(
                    """
        agent: {name: client, trust_domain: test.local, environment: development}
        authorization:
          allow:
            - caller: spiffe://test.local/agent/client
              callee: spiffe://test.local/agent/vault
        """))
            .agent(Agent.of("client"))
            .agent(Agent.of("intruder"))
            .agent(target())
            .start();
    assertThat(
            failure(
                node.agent("intruder").ref(id("vault")).ask("no_such", new Msg("x"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(
            failure(node.agent("client").ref(id("vault")).ask("no_such", new Msg("x"), Msg.class)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void requiredPeers_admitOnlyMatchingCallers() throws Exception {
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .agent(Agent.of("client"))
            .agent(Agent.of("ops-1"))
            .agent(target())
            .start();
    Msg ok =
        node.agent("ops-1")
            .ref(id("vault"))
            .ask("admin", new Msg("a"), Msg.class)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertThat(ok.text()).isEqualTo("a");
    assertThat(failure(node.agent("client").ref(id("vault")).ask("admin", new Msg("b"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("does not match the peers required by 'admin'")
        .message()
        .doesNotContain("ops-*");
    assertThat(handled).hasValue(1);
  }

  @Test
  void denial_carriesTheDecisionId_andTheReasonGoesOnlyToTheNodeLog() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger authz = (Logger) LoggerFactory.getLogger("agentweave.authz");
    authz.addAppender(log);
    try {
      node =
          MeshNode.builder(TestSettings.allowAllAgents(""))
              .authorizer(
                  new Authorizer() {
                    @Override
                    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
                      return CompletableFuture.completedFuture(
                          new AuthzDecision(
                              false, "policy vault-17 forbids this", "v42", "00ff".repeat(8)));
                    }

                    @Override
                    public String name() {
                      return "secretive";
                    }
                  })
              .agent(Agent.of("client"))
              .agent(target())
              .start();
      Throwable denied =
          failure(node.agent("client").ref(id("vault")).ask("read", new Msg("x"), Msg.class));
      assertThat(denied)
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageEndingWith("(decision " + "00ff".repeat(8) + ")");
      assertThat(denied.getMessage()).doesNotContain("vault-17").doesNotContain("v42");
      assertThat(log.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("policy vault-17 forbids this")
                      .contains("v42")
                      .contains("decision " + "00ff".repeat(8)));
    } finally {
      authz.detachAppender(log);
    }
  }

  /** An authorizer that records every question and answers by a predicate. */
  static final class Recording implements Authorizer {
    final List<AuthzRequest> seen = new CopyOnWriteArrayList<>();
    final Predicate<AuthzRequest> allow;

    Recording(Predicate<AuthzRequest> allow) {
      this.allow = allow;
    }

    @Override
    public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
      seen.add(request);
      return CompletableFuture.supplyAsync(
          () ->
              allow.test(request)
                  ? AuthzDecision.allow("test", "v1")
                  : AuthzDecision.deny("test says no", "v1"));
    }

    @Override
    public String name() {
      return "recording";
    }
  }

  @Test
  void enforcementPoints_askOutboundThenInbound_withAsynchronousDecisions() throws Exception {
    Recording authz = new Recording(r -> true);
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .authorizer(authz)
            .agent(Agent.of("client"))
            .agent(target())
            .start();
    node.agent("client")
        .ref(id("vault"))
        .ask("read", new Msg("a"), Msg.class)
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    assertThat(authz.seen)
        .containsExactly(
            new AuthzRequest(id("client"), id("vault"), "read", Direction.OUTBOUND),
            new AuthzRequest(id("client"), id("vault"), "read", Direction.INBOUND));
  }

  @Test
  void inboundDenial_stopsTheCallBeforeTheHandler() throws Exception {
    Recording authz = new Recording(r -> r.direction() == Direction.OUTBOUND);
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .authorizer(authz)
            .agent(Agent.of("client"))
            .agent(target())
            .start();
    assertThat(failure(node.agent("client").ref(id("vault")).ask("read", new Msg("a"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("may not call 'read'")
        .message()
        .doesNotContain("test says no");
    assertThat(handled).hasValue(0);
  }

  @Test
  void failingAuthorizer_deniesFailClosed() throws Exception {
    Authorizer broken =
        new Authorizer() {
          @Override
          public CompletionStage<AuthzDecision> authorize(AuthzRequest request) {
            throw new IllegalStateException("engine down");
          }

          @Override
          public String name() {
            return "broken";
          }
        };
    node =
        MeshNode.builder(TestSettings.allowAllAgents(""))
            .authorizer(broken)
            .agent(Agent.of("client"))
            .agent(target())
            .start();
    assertThat(failure(node.agent("client").ref(id("vault")).ask("read", new Msg("a"), Msg.class)))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("fail closed");
    assertThat(handled).hasValue(0);
    assertThat(node.metrics().scrape())
        .contains("authz_check_errors_total{error_type=\"IllegalStateException\"} 1.0");
  }

  @Test
  void logOnly_letsDeniedCallsThrough_inDevelopment() throws Exception {
    node =
        MeshNode.builder(
                TestSettings.yaml(
                    """
        agent: {name: client, trust_domain: test.local, environment: development}
        authorization:
          default_action: log-only
        """))
            .agent(Agent.of("client"))
            .agent(target())
            .start();
    Msg r =
        node.agent("client")
            .ref(id("vault"))
            .ask("read", new Msg("a"), Msg.class)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertThat(r.text()).isEqualTo("a");
    assertThat(node.metrics().scrape())
        .contains("authz_decisions_denied_total{direction=\"inbound\"} 1.0");
  }
}
