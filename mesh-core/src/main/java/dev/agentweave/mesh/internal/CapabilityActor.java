package dev.agentweave.mesh.internal;

import dev.agentweave.mesh.UnavailableException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The actor of one capability. It starts handlers up to the in-flight limit and keeps the rest in
 * arrival order. Synchronous handlers run here, one at a time; blocking handlers run on the
 * blocking dispatcher; asynchronous handlers run here until they return their stage. A handler that
 * throws never stops the actor: the failure goes to the caller. If the actor's own code ever fails,
 * supervision resumes it with its state. When the node stops, calls waiting or in flight fail as
 * unavailable.
 */
final class CapabilityActor extends AbstractBehavior<CapabilityActor.Command> {
  /** Messages of the actor. */
  interface Command {}

  /** A started handler finished. */
  record HandlerDone(Envelope envelope) implements Command {}

  private final CapabilityRuntime capability;
  private final CallPipeline pipeline;
  private final boolean blocking;
  private final int maxInFlight;
  private final ActorRef<Command> self;
  private final ArrayDeque<Envelope> pending = new ArrayDeque<>();
  private final Set<Envelope> running = new HashSet<>();
  private int inFlight;

  static Behavior<Command> create(CapabilityRuntime capability) {
    return Behaviors.supervise(
            Behaviors.<Command>setup(ctx -> new CapabilityActor(ctx, capability)))
        .onFailure(SupervisorStrategy.resume());
  }

  private CapabilityActor(ActorContext<Command> ctx, CapabilityRuntime capability) {
    super(ctx);
    this.self = ctx.getSelf();
    this.capability = capability;
    this.pipeline = capability.agent().runtime().pipeline();
    this.blocking = capability.capability().blocking();
    this.maxInFlight = capability.maxInFlight();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Envelope.class, this::onEnvelope)
        .onMessage(HandlerDone.class, this::onDone)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onEnvelope(Envelope env) {
    if (inFlight < maxInFlight) {
      start(env);
    } else {
      pending.addLast(env);
    }
    return this;
  }

  private Behavior<Command> onDone(HandlerDone done) {
    if (running.remove(done.envelope())) {
      inFlight--;
    }
    while (inFlight < maxInFlight && !pending.isEmpty()) {
      start(pending.pollFirst());
    }
    return this;
  }

  private void start(Envelope env) {
    capability.started();
    if (env.sink.abandoned()) {
      pipeline.fail(
          capability,
          env,
          new dev.agentweave.mesh.DeadlineExceededException(
              "'"
                  + capability.name()
                  + "': the caller stopped waiting before the handler started"));
      return;
    }
    if (env.ctx.deadlineNanos() - System.nanoTime() <= 0) {
      pipeline.expire(capability, env);
      return;
    }
    if (blocking) {
      inFlight++;
      running.add(env);
      try {
        capability.agent().runtime().blockingExecutor().execute(() -> runBlocking(env));
      } catch (RuntimeException rejected) {
        running.remove(env);
        inFlight--;
        pipeline.fail(
            capability,
            env,
            new UnavailableException(
                "'"
                    + capability.name()
                    + "' of "
                    + capability.agent().spiffeId()
                    + ": the blocking dispatcher refused the call"));
      }
      return;
    }
    CompletionStage<Object> stage;
    try {
      stage = capability.capability().invoke(env.ctx, env.request);
    } catch (Throwable t) {
      pipeline.complete(capability, env, null, t);
      return;
    }
    if (stage instanceof CompletableFuture<Object> cf && cf.isDone()) {
      completeFrom(env, cf);
      return;
    }
    inFlight++;
    running.add(env);
    stage.whenComplete(
        (v, e) -> {
          pipeline.complete(capability, env, v, e);
          self.tell(new HandlerDone(env));
        });
  }

  private void runBlocking(Envelope env) {
    CompletionStage<Object> stage;
    try {
      stage = capability.capability().invoke(env.ctx, env.request);
    } catch (Throwable t) {
      pipeline.complete(capability, env, null, t);
      self.tell(new HandlerDone(env));
      return;
    }
    stage.whenComplete(
        (v, e) -> {
          pipeline.complete(capability, env, v, e);
          self.tell(new HandlerDone(env));
        });
  }

  private void completeFrom(Envelope env, CompletableFuture<Object> cf) {
    Object value;
    try {
      value = cf.join();
    } catch (RuntimeException e) {
      pipeline.complete(capability, env, null, e);
      return;
    }
    pipeline.complete(capability, env, value, null);
  }

  private Behavior<Command> onStop() {
    for (Envelope env : pending) {
      capability.started();
      pipeline.fail(capability, env, stopped());
    }
    pending.clear();
    for (Envelope env : running) {
      pipeline.fail(capability, env, stopped());
    }
    running.clear();
    return this;
  }

  private UnavailableException stopped() {
    return new UnavailableException(
        "'"
            + capability.name()
            + "' of "
            + capability.agent().spiffeId()
            + ": the node stopped before the handler answered");
  }
}
