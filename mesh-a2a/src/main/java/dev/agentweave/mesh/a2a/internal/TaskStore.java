package dev.agentweave.mesh.a2a.internal;

import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The tasks of one node, bounded in count ({@code a2a.max_tasks}), in the bytes of their requests
 * and answers ({@code a2a.max_task_bytes}) and, once finished, in age ({@code
 * a2a.task_retention_seconds}). A caller finds only its own tasks: another caller's task is not
 * found, the same answer as a task that never was. Thread-safe (one lock; the work under it is a
 * map operation, or a pass over the tasks for a listing).
 */
final class TaskStore {
  private final int maxTasks;
  private final long maxBytes;
  private final Duration retention;
  private final Clock clock;
  // insertion order = creation order: the first finished one is the oldest to drop
  private final LinkedHashMap<String, A2aTask> tasks = new LinkedHashMap<>();
  private Instant lastExpiry = Instant.MIN;
  private long bytes;

  TaskStore(int maxTasks, long maxBytes, Duration retention, Clock clock) {
    this.maxTasks = maxTasks;
    this.maxBytes = maxBytes;
    this.retention = retention;
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * Keeps a new task, dropping expired ones and, at the bound, the oldest finished one.
   *
   * @throws OverloadedException when the store is full of tasks still running
   */
  synchronized void add(A2aTask task) {
    expire();
    while (tasks.size() >= maxTasks || bytes + task.bytes() > maxBytes) {
      if (!dropOldestFinished()) {
        throw new OverloadedException(
            tasks.size() >= maxTasks
                ? "this node already keeps "
                    + maxTasks
                    + " tasks that are still running (a2a.max_tasks); retry later"
                : "the tasks this node keeps already hold "
                    + bytes
                    + " bytes and are still running (a2a.max_task_bytes: "
                    + maxBytes
                    + "); retry later",
            Duration.ofSeconds(1));
      }
    }
    tasks.put(task.id, task);
    task.accounted = task.bytes();
    bytes += task.accounted;
    task.settled().whenComplete((s, e) -> recount(task));
  }

  /** Counts what a settled task's answer added. */
  private synchronized void recount(A2aTask task) {
    if (tasks.get(task.id) == task) {
      long now = task.bytes();
      bytes += now - task.accounted;
      task.accounted = now;
    }
  }

  /** The bytes the kept tasks hold, about. */
  synchronized long bytes() {
    return bytes;
  }

  /** The caller's task of that id. */
  synchronized Optional<A2aTask> find(SpiffeId caller, String id) {
    expire();
    A2aTask t = tasks.get(id);
    boolean expired =
        t != null && t.state().terminal() && t.updated().isBefore(clock.instant().minus(retention));
    return t != null && !expired && t.owner.equals(caller) ? Optional.of(t) : Optional.empty();
  }

  /** The caller's tasks that pass the filter, the most recently updated first. */
  synchronized List<A2aTask> list(SpiffeId caller, Predicate<A2aTask> filter) {
    expire();
    List<A2aTask> out = new ArrayList<>();
    for (A2aTask t : tasks.values()) {
      if (t.owner.equals(caller) && filter.test(t)) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparing(A2aTask::updated).reversed().thenComparing(t -> t.id));
    return out;
  }

  synchronized int size() {
    return tasks.size();
  }

  private boolean dropOldestFinished() {
    Iterator<A2aTask> it = tasks.values().iterator();
    while (it.hasNext()) {
      A2aTask t = it.next();
      if (t.state().terminal()) {
        it.remove();
        bytes -= t.accounted;
        return true;
      }
    }
    return false;
  }

  /** Drops finished tasks past retention: a pass over all, so at most once a second. */
  private void expire() {
    Instant now = clock.instant();
    if (now.isBefore(lastExpiry.plusSeconds(1))) {
      return;
    }
    lastExpiry = now;
    Instant cutoff = now.minus(retention);
    tasks
        .values()
        .removeIf(
            t -> {
              boolean gone = t.state().terminal() && t.updated().isBefore(cutoff);
              if (gone) {
                bytes -= t.accounted;
              }
              return gone;
            });
  }
}
