package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.spi.Direction;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The framework's own meters, resolved once per agent, capability and action so the call path only
 * increments. Names are in {@link MeterNames}; every meter has a description. Tag values are
 * bounded: agents and capabilities are declared, error types are {@link ErrorCode}s; an inbound
 * action that no hosted capability declares is counted as {@link Bounded#UNKNOWN}, and so is an
 * outbound action that is not shaped like a capability name or comes after {@value #MAX_ACTIONS}
 * distinct ones. No caller-chosen string becomes a tag value.
 */
final class MeshMeters {
  static final int MAX_ACTIONS = 256;

  private final MetricsFacade facade;
  private final MeterRegistry reg;
  private final Map<Direction, Timer> authzDuration = new EnumMap<>(Direction.class);
  private final Map<Direction, Counter> allowedTotal = new EnumMap<>(Direction.class);
  private final Map<Direction, Counter> deniedTotal = new EnumMap<>(Direction.class);
  private final Map<Direction, ConcurrentHashMap<String, ActionMeters>> actions =
      new EnumMap<>(Direction.class);
  private final java.util.concurrent.atomic.AtomicInteger distinctActions =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ConcurrentHashMap<String, Counter> authzErrors = new ConcurrentHashMap<>();
  private JvmGcMetrics gc;

  MeshMeters(MetricsFacade facade) {
    this.facade = facade;
    this.reg = facade.framework();
    for (Direction d : Direction.values()) {
      actions.put(d, new ConcurrentHashMap<>());
      String dir = d.name().toLowerCase(Locale.ROOT);
      authzDuration.put(
          d,
          Timer.builder(MeterNames.AUTHZ_CHECK_DURATION)
              .description("Time to reach an authorization decision")
              .tag("direction", dir)
              .publishPercentileHistogram(facade.histograms())
              .minimumExpectedValue(Duration.ofNanos(1_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(reg));
      allowedTotal.put(
          d,
          Counter.builder(MeterNames.AUTHZ_ALLOWED)
              .description("Authorization decisions that allowed a call")
              .tag("direction", dir)
              .register(reg));
      deniedTotal.put(
          d,
          Counter.builder(MeterNames.AUTHZ_DENIED)
              .description("Authorization decisions that denied a call")
              .tag("direction", dir)
              .register(reg));
    }
  }

  void bindNode(MeshRuntime runtime) {
    MeterRegistry r = facade.registry();
    new JvmMemoryMetrics().bindTo(r);
    gc = new JvmGcMetrics();
    gc.bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      io.micrometer.core.instrument.FunctionCounter.builder(
              "process.cpu.time", sun, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time used by the JVM process")
          .baseUnit("seconds")
          .register(r);
    }
    new FileDescriptorMetrics().bindTo(r);
    Gauge.builder(MeterNames.NODE_IN_FLIGHT, runtime, MeshRuntime::inFlight)
        .description("Calls accepted by this node's capabilities and not yet finished")
        .register(reg);
    Gauge.builder(
            MeterNames.NODE_READY,
            runtime,
            rt -> rt.state() == dev.agentweave.mesh.NodeState.READY ? 1 : 0)
        .description("1 while the node takes calls, 0 while starting, draining or stopped")
        .register(reg);
    for (AgentRuntime a : runtime.agents()) {
      for (CapabilityRuntime c : a.capabilities().values()) {
        Gauge.builder(MeterNames.MAILBOX_WAITING, c, CapabilityRuntime::waiting)
            .description("Calls accepted into a capability's mailbox and not yet started")
            .tag("agent", a.agent().name())
            .tag("capability", c.name())
            .register(reg);
      }
    }
  }

  void close() {
    if (gc != null) {
      gc.close();
    }
  }

  Timer authzDuration(Direction d) {
    return authzDuration.get(d);
  }

  void authzError(Throwable error) {
    String type = error == null ? "NoDecision" : error.getClass().getSimpleName();
    authzErrors
        .computeIfAbsent(
            authzErrors.size() >= 64 ? "_other" : type,
            t ->
                Counter.builder(MeterNames.AUTHZ_ERRORS)
                    .description("Authorization checks that failed and were denied (fail closed)")
                    .tag("error_type", t)
                    .register(reg))
        .increment();
  }

  /**
   * Decision counters of an action. Inbound, only declared capabilities have their own (the caller
   * chose the action: see {@link #undeclared}); outbound, any capability-shaped name does, up to
   * {@value #MAX_ACTIONS} of them.
   */
  ActionMeters actionMeters(Direction d, String action) {
    ConcurrentHashMap<String, ActionMeters> byAction = actions.get(d);
    ActionMeters m = byAction.get(action);
    if (m != null) {
      return m;
    }
    if (!Bounded.isCapabilityName(action) || distinctActions.get() >= MAX_ACTIONS) {
      return undeclared(d);
    }
    return byAction.computeIfAbsent(
        action,
        k -> {
          distinctActions.incrementAndGet();
          return new ActionMeters(d, k);
        });
  }

  /** Decision counters for actions the node does not declare, tagged {@link Bounded#UNKNOWN}. */
  ActionMeters undeclared(Direction d) {
    return actions.get(d).computeIfAbsent(Bounded.UNKNOWN, k -> new ActionMeters(d, k));
  }

  AgentMeters forAgent(String agent) {
    return new AgentMeters(agent);
  }

  CapabilityMeters forCapability(String agent, String capability) {
    return new CapabilityMeters(agent, capability);
  }

  /** Decision counters of one direction and action. */
  final class ActionMeters {
    private final Counter allowed;
    private final Counter denied;
    private final Counter byActionAllowed;
    private final Counter byActionDenied;

    ActionMeters(Direction d, String action) {
      this.allowed = allowedTotal.get(d);
      this.denied = deniedTotal.get(d);
      this.byActionAllowed = byAction(action, "allowed");
      this.byActionDenied = byAction(action, "denied");
    }

    private Counter byAction(String action, String result) {
      return Counter.builder(MeterNames.AUTHZ_BY_ACTION)
          .description("Authorization decisions by action and result")
          .tag("action", action)
          .tag("result", result)
          .register(reg);
    }

    void allowed() {
      allowed.increment();
      byActionAllowed.increment();
    }

    void denied() {
      denied.increment();
      byActionDenied.increment();
    }
  }

  /** Request counters of one agent. */
  final class AgentMeters {
    private final Counter total;
    private final Counter success;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

    AgentMeters(String agent) {
      total =
          Counter.builder(MeterNames.REQUESTS_TOTAL)
              .description("Calls received by an agent")
              .tag("agent", agent)
              .register(reg);
      success =
          Counter.builder(MeterNames.REQUESTS_SUCCESS)
              .description("Calls an agent answered successfully")
              .tag("agent", agent)
              .register(reg);
      for (ErrorCode c : ErrorCode.values()) {
        if (c.isProtocol()) {
          continue; // a gateway's refusal before any call: counted as an invalid request
        }
        errors.put(
            c,
            Counter.builder(MeterNames.REQUESTS_ERROR)
                .description("Calls to an agent that failed, by error type")
                .tag("agent", agent)
                .tag("error_type", c.wireName())
                .register(reg));
      }
    }

    void received() {
      total.increment();
    }

    void succeeded() {
      success.increment();
    }

    void failed(ErrorCode code) {
      errors.get(code.isProtocol() ? ErrorCode.INVALID_REQUEST : code).increment();
    }
  }

  /** Meters of one capability. */
  final class CapabilityMeters {
    private final Counter byCapability;
    private final Timer duration;
    private final DistributionSummary payloadSize;

    CapabilityMeters(String agent, String capability) {
      byCapability =
          Counter.builder(MeterNames.REQUESTS_BY_CAPABILITY)
              .description("Calls that reached a capability, answered or failed")
              .tag("agent", agent)
              .tag("capability", capability)
              .register(reg);
      duration =
          Timer.builder(MeterNames.REQUEST_DURATION)
              .description("Time from accepting a call to answering it")
              .tag("agent", agent)
              .tag("capability", capability)
              .publishPercentileHistogram(facade.histograms())
              .minimumExpectedValue(Duration.ofNanos(10_000))
              .maximumExpectedValue(Duration.ofSeconds(60))
              .register(reg);
      payloadSize =
          DistributionSummary.builder(MeterNames.REQUEST_PAYLOAD_SIZE)
              .description("Size of encoded request payloads")
              .baseUnit("bytes")
              .tag("agent", agent)
              .tag("capability", capability)
              .register(reg);
    }

    void record(long nanos) {
      byCapability.increment();
      duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void payloadSize(int bytes) {
      payloadSize.record(bytes);
    }
  }
}
