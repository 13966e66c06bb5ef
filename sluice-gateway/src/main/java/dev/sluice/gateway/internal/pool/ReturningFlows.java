package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Slots held for flows that come straight back: anticipatory scheduling.
 *
 * <p><b>Why.</b> A non-preemptive, work-conserving scheduler is unfair to a closed-loop client. The
 * moment its request ends it has nothing queued, so its slot goes to a backlogged flow, and its
 * next request, sent a millisecond later, waits for the next slot to free: a fraction of a whole
 * request. A light tenant then gets less than its demand although it is below its fair share, and a
 * premium tenant waits behind batch work at every request. This is the "deceptive idleness" that
 * anticipatory disk scheduling answers (Iyer and Druschel, SOSP 2001).
 *
 * <p><b>What.</b> When a flow's request ends and the flow has nothing queued, is below its fair
 * share of the slots, and has been coming back within the hold time, its slot is held for it for at
 * most the hold time: its next request takes the slot at once, and no other flow can. A hold that
 * is not used expires and the slot goes back to the queue; the flow's return time is then counted
 * as twice the hold time, so a flow that stops coming back soon stops getting holds. A flow's fair
 * share is the slots divided by the flows with work at its priority or above. Its return time is a
 * moving average (weight 1/4) of the time from the end of its request to its next arrival, measured
 * when it had nothing queued.
 *
 * <p><b>Priority.</b> A hold keeps its slot from the flow's equals and from lower priorities, not
 * from higher ones: a request of a higher priority that finds no other free slot takes a slot held
 * for a lower-priority flow, and the hold ends (fairness inside a band never makes a higher band
 * wait, least of all for a slot that idles).
 *
 * <p><b>Cost.</b> A held slot idles until its flow returns, at most the hold time per request that
 * ends; nothing is held for a flow that has work queued (its queue takes the slot) or that is at
 * its share.
 *
 * <p>Not thread-safe: guarded by the owning gate's lock.
 */
final class ReturningFlows {

  private static final long NONE = Long.MIN_VALUE;
  private static final long SWEEP_NANOS = 1_000_000_000L;
  private static final Yield NO_YIELD = new Yield(false, null);

  private final long holdNanos;
  private final Map<FlowKey, State> flows = new HashMap<>();
  private final ArrayDeque<Hold> holds = new ArrayDeque<>();
  private final TreeMap<Integer, Integer> activeByPriority = new TreeMap<>();
  private final TreeMap<Integer, Integer> queuedByPriority = new TreeMap<>();
  private long lastSweepNanos = NONE;
  private long queued;

  /**
   * @param holdNanos the longest a slot is held; 0 holds nothing
   */
  ReturningFlows(long holdNanos) {
    this.holdNanos = holdNanos;
  }

  /** Requests that arrived and have no outcome yet, over all flows. */
  long queued() {
    return queued;
  }

  /** The highest priority with a request queued, or {@link Integer#MIN_VALUE} if none is. */
  int highestQueued() {
    return queuedByPriority.isEmpty() ? Integer.MIN_VALUE : queuedByPriority.lastKey();
  }

  /** Slots held now. */
  int held() {
    return holds.size();
  }

  /** Slots held now for flows of {@code priority} or above. */
  int heldAtOrAbove(int priority) {
    int count = 0;
    for (Hold hold : holds) {
      if (hold.state.key.priority() >= priority) {
        count++;
      }
    }
    return count;
  }

  /**
   * A request of {@code priority} takes a slot held for a flow of a lower priority: the newest such
   * hold ends (that flow's next request waits its turn in the queue, as if it had never been held).
   *
   * @return whether there was such a hold, and the endpoint its slot is on if known
   */
  Yield yieldTo(int priority) {
    for (Iterator<Hold> it = holds.descendingIterator(); it.hasNext(); ) {
      Hold hold = it.next();
      if (hold.state.key.priority() < priority) {
        it.remove();
        State state = hold.state;
        boolean had = state.hasWork();
        state.held--;
        changed(state, had);
        return new Yield(true, hold.where);
      }
    }
    return NO_YIELD;
  }

  /** Whether a slot is held for {@code key}. */
  boolean isHeld(FlowKey key) {
    State state = flows.get(key);
    return state != null && state.held > 0;
  }

  /** A request of {@code key} arrived (it is queued until it gets an outcome). */
  void arrived(FlowKey key, long nowNanos) {
    State state = flows.computeIfAbsent(key, State::new);
    if (state.endedAt != NONE) {
      sample(state, nowNanos - state.endedAt);
      state.endedAt = NONE;
    }
    boolean had = state.hasWork();
    state.queued++;
    queued++;
    queuedByPriority.merge(key.priority(), 1, Integer::sum);
    changed(state, had);
  }

  /** A request of {@code key} got its outcome: it left the queue (dispatched or not). */
  void left(FlowKey key) {
    State state = flows.get(key);
    if (state != null && state.queued > 0) {
      boolean had = state.hasWork();
      state.queued--;
      queued--;
      queuedByPriority.computeIfPresent(
          key.priority(), (p, count) -> count == 1 ? null : count - 1);
      changed(state, had);
    }
  }

  /**
   * A request of {@code key} was dispatched; it takes the flow's held slot if there is one.
   *
   * @return the endpoint whose slot was held for it, or {@code null} if none was
   */
  @Nullable Endpoint dispatched(FlowKey key) {
    State state = flows.computeIfAbsent(key, State::new);
    boolean had = state.hasWork();
    state.inFlight++;
    Endpoint where = null;
    if (state.held > 0) {
      state.held--;
      for (Iterator<Hold> it = holds.iterator(); it.hasNext(); ) {
        Hold hold = it.next();
        if (hold.state == state) {
          it.remove(); // the oldest of the flow's holds
          where = hold.where;
          break;
        }
      }
    }
    changed(state, had);
    return where;
  }

  /**
   * A dispatched request of {@code key} ended.
   *
   * @param slots the slots of the pool, for the fair share
   * @param where the endpoint whose slot the request freed (where a held slot is), if known
   * @return when the slot held for the flow expires, or {@link Long#MIN_VALUE} if none is held for
   *     this request
   */
  long finished(FlowKey key, int slots, long nowNanos, @Nullable Endpoint where) {
    State state = flows.get(key);
    if (state == null || state.inFlight == 0) {
      return NONE;
    }
    boolean had = state.hasWork();
    state.inFlight--;
    if (state.queued == 0) {
      state.endedAt = nowNanos;
      long sharers = activeAtOrAbove(key.priority()); // the flow itself still counts here
      if (holdNanos > 0
          && (state.returnNanos < 0 || state.returnNanos <= holdNanos)
          && (long) (state.inFlight + state.held + 1) * sharers <= slots) {
        state.held++;
        long until = nowNanos + holdNanos;
        holds.addLast(new Hold(state, until, where));
        changed(state, had);
        return until;
      }
    }
    changed(state, had);
    return NONE;
  }

  /** Ends the holds due by {@code nowNanos}, and forgets flows idle for a while. */
  void expire(long nowNanos) {
    while (!holds.isEmpty() && nowNanos - holds.peekFirst().until >= 0) {
      State state = holds.pollFirst().state;
      boolean had = state.hasWork();
      state.held--;
      state.endedAt = NONE;
      sample(state, 2 * holdNanos);
      changed(state, had);
    }
    if (lastSweepNanos == NONE || nowNanos - lastSweepNanos >= SWEEP_NANOS) {
      lastSweepNanos = nowNanos;
      long forgetAfter = Math.max(SWEEP_NANOS, 10 * holdNanos);
      for (Iterator<State> it = flows.values().iterator(); it.hasNext(); ) {
        State state = it.next();
        if (!state.hasWork() && (state.endedAt == NONE || nowNanos - state.endedAt > forgetAfter)) {
          it.remove();
        }
      }
    }
  }

  private void sample(State state, long returnNanos) {
    state.returnNanos =
        state.returnNanos < 0
            ? returnNanos
            : state.returnNanos + (returnNanos - state.returnNanos) / 4;
  }

  private long activeAtOrAbove(int priority) {
    long count = 0;
    for (int flowsAtPriority : activeByPriority.tailMap(priority, true).values()) {
      count += flowsAtPriority;
    }
    return count;
  }

  private void changed(State state, boolean had) {
    boolean has = state.hasWork();
    if (has != had) {
      activeByPriority.merge(state.key.priority(), has ? 1 : -1, Integer::sum);
      activeByPriority.remove(state.key.priority(), 0);
    }
  }

  @Override
  public String toString() {
    return "held=" + holds.size() + ", flows=" + flows.size();
  }

  /** One flow's counts. */
  private static final class State {
    final FlowKey key;
    int queued;
    int inFlight;
    int held;
    long endedAt = NONE;
    long returnNanos = -1;

    State(FlowKey key) {
      this.key = key;
    }

    /** Queued, running, or about to come back to its held slot. */
    boolean hasWork() {
      return queued > 0 || inFlight > 0 || held > 0;
    }
  }

  /** What {@link #yieldTo} gave up: whether a hold ended, and where its slot is if known. */
  record Yield(boolean yielded, @Nullable Endpoint where) {}

  /** A slot held on {@code where} for {@code state}'s flow until {@code until}. */
  private record Hold(State state, long until, @Nullable Endpoint where) {}
}
