package dev.sluice.gateway.internal.proxy;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Gateway-level preemption of work that has not started: which dispatched requests may still be
 * taken back, and taking one back for a higher-priority request that found no free slot.
 *
 * <p><b>Who may preempt.</b> A request of a band configured with {@code preempt: true} that queues
 * on arrival (the dispatch gate found no room for it) takes back at most one request: the one of
 * the lowest priority below its own, newest dispatched first (it has the least prefill to lose),
 * among those that have not produced their first byte ({@link Preemptible}). The victim's upstream
 * request is cancelled, so the backend frees its slot, and the victim goes back to the head of its
 * flow's queue ({@link dev.sluice.flow.Admission#requeue()}): it waits instead of failing, and its
 * client sees an ordinary response later, or a 503 when its TTL passes in the queue.
 *
 * <p><b>Cost.</b> Only requests of a priority below the highest preempting band are tracked, and
 * only until their first byte; with no preempting band nothing is tracked and responses pass
 * straight through. A victim's work upstream is lost: its prefill is done again when it is
 * dispatched again.
 *
 * <p>Thread-safe.
 */
public final class Preemptions {

  private final Set<Integer> preempting;
  private final int highest;
  private final Set<Preemptible> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong order = new AtomicLong();
  private final Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();

  /**
   * @param preempting the priorities of the bands whose requests may preempt
   */
  public Preemptions(Set<Integer> preempting) {
    this.preempting = Set.copyOf(preempting);
    this.highest = preempting.stream().mapToInt(Integer::intValue).max().orElse(Integer.MIN_VALUE);
    for (int priority : preempting) {
      counts.put(priority, new LongAdder());
    }
  }

  /** The priorities of the bands whose requests may preempt; empty when preemption is off. */
  public Set<Integer> preemptingPriorities() {
    return preempting;
  }

  /** Whether a request of {@code priority} may preempt. */
  boolean preempts(int priority) {
    return preempting.contains(priority);
  }

  /**
   * Starts tracking a dispatched request of {@code priority} until its first byte; null if no
   * preempting band is above it (it can never be a victim, so nothing needs tracking).
   *
   * @param onPreempted run by the preemption that wins: cancel upstream, requeue
   */
  @Nullable Preemptible track(int priority, Runnable onPreempted) {
    if (priority >= highest) {
      return null;
    }
    Preemptible candidate = new Preemptible(priority, order.incrementAndGet(), onPreempted);
    pending.add(candidate);
    return candidate;
  }

  /** The tracked request's first byte, or its end: it stops being a candidate. */
  boolean started(Preemptible candidate) {
    pending.remove(candidate);
    return candidate.start();
  }

  /**
   * Takes back one request of a priority below {@code priority}, if the band of {@code priority}
   * may preempt and there is one that has not started; whether one was taken back.
   */
  boolean preemptFor(int priority) {
    if (!preempts(priority)) {
      return false;
    }
    for (; ; ) {
      Preemptible victim = null;
      for (Preemptible candidate : pending) {
        if (candidate.priority() < priority
            && candidate.isPending()
            && (victim == null
                || candidate.priority() < victim.priority()
                || (candidate.priority() == victim.priority()
                    && candidate.order() > victim.order()))) {
          victim = candidate;
        }
      }
      if (victim == null) {
        return false;
      }
      pending.remove(victim);
      if (victim.preempt()) {
        Objects.requireNonNull(counts.get(priority), "a preempting band has a count").increment();
        return true;
      }
      // Its first byte came first: look again.
    }
  }

  /** Requests taken back so far, by the priority of the band that preempted them. */
  public Map<Integer, Long> counts() {
    Map<Integer, Long> snapshot = new TreeMap<>();
    counts.forEach((priority, count) -> snapshot.put(priority, count.sum()));
    return snapshot;
  }

  /** Requests taken back so far for requests of {@code priority} (0 for a band that may not). */
  public long count(int priority) {
    LongAdder count = counts.get(priority);
    return count == null ? 0 : count.sum();
  }
}
