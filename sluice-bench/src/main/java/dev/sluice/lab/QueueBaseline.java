package dev.sluice.lab;

import dev.sluice.flow.Outcome;
import dev.sluice.testing.ManualClock;
import java.util.ArrayDeque;
import java.util.TreeMap;

/**
 * The baselines: what users have without flow control.
 *
 * <ul>
 *   <li>{@code fifo-semaphore}: a fair semaphore with the backend's slots; waiters queue in arrival
 *       order and give up at their TTL ({@code tryAcquire(timeout)}).
 *   <li>{@code strict-priority}: one FIFO per priority, the highest non-empty one served first; no
 *       fairness between tenants, no displacement.
 * </ul>
 *
 * Both hold at most {@link Scenario#queueLimit()} waiters and reject arrivals beyond it.
 */
public final class QueueBaseline implements LabSystem {
  private final boolean byPriority;
  private final ManualClock time;
  private final Recorder recorder;
  private final Scenario scenario;
  private final TreeMap<Integer, ArrayDeque<Waiter>> queues = new TreeMap<>();
  private int busy;
  private long queued;

  private QueueBaseline(
      boolean byPriority, Scenario scenario, ManualClock time, Recorder recorder) {
    this.byPriority = byPriority;
    this.scenario = scenario;
    this.time = time;
    this.recorder = recorder;
  }

  /** The fair FIFO semaphore. */
  public static QueueBaseline fifo(Scenario scenario, ManualClock time, Recorder recorder) {
    return new QueueBaseline(false, scenario, time, recorder);
  }

  /** Strict priority without fairness. */
  public static QueueBaseline strictPriority(
      Scenario scenario, ManualClock time, Recorder recorder) {
    return new QueueBaseline(true, scenario, time, recorder);
  }

  @Override
  public String name() {
    return byPriority ? "strict-priority" : "fifo-semaphore";
  }

  @Override
  public void submit(Arrival arrival) {
    if (busy < scenario.slots() && queued == 0) {
      dispatch(arrival);
      return;
    }
    if (scenario.queueLimit() > 0 && queued >= scenario.queueLimit()) {
      recorder.ended(arrival, Outcome.REJECTED_CAPACITY, time.read());
      return;
    }
    Waiter waiter = new Waiter(arrival);
    int priority = byPriority ? -scenario.tenants().get(arrival.tenant()).priority() : 0;
    queues.computeIfAbsent(priority, p -> new ArrayDeque<>()).add(waiter);
    queued++;
    if (arrival.ttlNanos() > 0) {
      time.schedule(() -> expire(waiter), arrival.ttlNanos());
    }
    pump();
  }

  private void expire(Waiter waiter) {
    if (!waiter.done) {
      waiter.done = true;
      queued--;
      recorder.ended(waiter.arrival, Outcome.EVICTED_TTL, time.read());
    }
  }

  private void dispatch(Arrival arrival) {
    busy++;
    recorder.dispatched(arrival, time.read());
    time.schedule(
        () -> {
          recorder.finished(arrival);
          busy--;
          pump();
        },
        arrival.serviceNanos());
  }

  private void pump() {
    while (busy < scenario.slots() && queued > 0) {
      Waiter next = null;
      for (ArrayDeque<Waiter> queue : queues.values()) { // highest priority first (keys negated)
        while (!queue.isEmpty() && queue.peekFirst().done) {
          queue.pollFirst(); // expired earlier
        }
        if (!queue.isEmpty()) {
          next = queue.pollFirst();
          break;
        }
      }
      if (next == null) {
        return;
      }
      next.done = true;
      queued--;
      dispatch(next.arrival);
    }
  }

  private static final class Waiter {
    final Arrival arrival;
    boolean done;

    Waiter(Arrival arrival) {
      this.arrival = arrival;
    }
  }
}
