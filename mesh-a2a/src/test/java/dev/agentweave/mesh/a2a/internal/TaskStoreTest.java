package dev.agentweave.mesh.a2a.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.a2a.internal.A2aTask.Message;
import dev.agentweave.mesh.a2a.internal.A2aTask.Part;
import dev.agentweave.mesh.a2a.internal.A2aTask.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStoreTest {
  static final SpiffeId ALICE = SpiffeId.parse("spiffe://t.local/agent/alice");
  static final SpiffeId BOB = SpiffeId.parse("spiffe://t.local/agent/bob");

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-08T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static A2aTask task(String id, SpiffeId owner, Instant now) {
    return new A2aTask(
        id,
        "ctx",
        owner,
        new Message("m-" + id, false, List.of(new Part("hi", null)), null),
        100,
        now);
  }

  @Test
  void aCallerFindsOnlyItsOwnTasks() {
    MovableClock clock = new MovableClock();
    TaskStore store = new TaskStore(10, 1 << 20, Duration.ofHours(1), clock);
    store.add(task("a", ALICE, clock.now));
    assertThat(store.find(ALICE, "a")).isPresent();
    assertThat(store.find(BOB, "a")).isEmpty();
    assertThat(store.list(BOB, t -> true)).isEmpty();
    assertThat(store.list(ALICE, t -> true)).hasSize(1);
  }

  @Test
  void atTheBound_theOldestFinishedTaskGoes_andRunningOnesAreNeverDropped() {
    MovableClock clock = new MovableClock();
    TaskStore store = new TaskStore(2, 1 << 20, Duration.ofHours(1), clock);
    A2aTask first = task("1", ALICE, clock.now);
    A2aTask second = task("2", ALICE, clock.now);
    store.add(first);
    store.add(second);
    assertThatThrownBy(() -> store.add(task("3", ALICE, clock.now)))
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("a2a.max_tasks");
    second.settle(State.COMPLETED, null, null, clock.now);
    store.add(task("3", ALICE, clock.now));
    assertThat(store.find(ALICE, "2")).isEmpty();
    assertThat(store.find(ALICE, "1")).isPresent();
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void finishedTasksExpireAfterRetention_runningOnesStay() {
    MovableClock clock = new MovableClock();
    TaskStore store = new TaskStore(10, 1 << 20, Duration.ofMinutes(10), clock);
    A2aTask done = task("done", ALICE, clock.now);
    A2aTask running = task("running", ALICE, clock.now);
    store.add(done);
    store.add(running);
    done.settle(State.FAILED, null, null, clock.now);
    clock.now = clock.now.plus(Duration.ofMinutes(11));
    assertThat(store.find(ALICE, "done")).isEmpty();
    assertThat(store.find(ALICE, "running")).isPresent();
  }

  @Test
  void settling_happensOnce() {
    MovableClock clock = new MovableClock();
    A2aTask t = task("x", ALICE, clock.now);
    assertThat(t.settle(State.CANCELED, null, null, clock.now)).isTrue();
    assertThat(t.settle(State.COMPLETED, null, null, clock.now)).isFalse();
    assertThat(t.state()).isEqualTo(State.CANCELED);
    assertThat(t.settled()).isCompleted();
    assertThat(t.working(clock.now)).isFalse();
  }

  @Test
  void theBytesTasksHold_areBounded_answersIncluded() {
    MovableClock clock = new MovableClock();
    TaskStore store = new TaskStore(100, 1_000, Duration.ofHours(1), clock);
    A2aTask a = task("a", ALICE, clock.now); // 100 bytes each
    store.add(a);
    a.settle(
        State.COMPLETED,
        new A2aTask.Artifact("x", "search", List.of(new Part("big", null)), 850),
        null,
        clock.now);
    assertThat(store.bytes()).isEqualTo(950);
    // the next task does not fit beside a's answer: a, finished, makes room
    store.add(task("b", ALICE, clock.now));
    assertThat(store.find(ALICE, "a")).isEmpty();
    assertThat(store.bytes()).isEqualTo(100);
    for (int i = 0; i < 9; i++) {
      store.add(task("r" + i, ALICE, clock.now));
    }
    assertThat(store.bytes()).isEqualTo(1_000);
    // all running: nothing may go, so the new one is refused with the limit named
    assertThatThrownBy(() -> store.add(task("c", ALICE, clock.now)))
        .isInstanceOf(OverloadedException.class)
        .hasMessageContaining("a2a.max_task_bytes");
  }
}
