package dev.sluice.backpressure;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.HashMap;
import java.util.Map;

/**
 * The items each producer holds in flight, under the per-producer cap. Invariant: no producer is
 * granted past the cap ({@link BackpressureConfig#UNLIMITED}: none), a producer never releases more
 * than it holds, the total is the sum of the producers' items, and a producer holding nothing has
 * no entry.
 *
 * <p>Not thread-safe: guarded by the controller's lock.
 */
final class ProducerCaps {
  private final int cap;
  private final Map<String, Long> held = new HashMap<>();
  private long total;

  /**
   * @param cap the most items one producer may hold, or {@link BackpressureConfig#UNLIMITED}
   */
  ProducerCaps(int cap) {
    this.cap = cap;
  }

  /**
   * Grants {@code max(0, min(requested, cap - held))} (all of {@code requested} without a cap) and
   * adds it to what the producer holds.
   */
  int grant(String producer, int requested) {
    long holds = held(producer);
    int granted =
        cap == BackpressureConfig.UNLIMITED
            ? requested
            : (int) Math.max(0, Math.min(requested, cap - holds));
    if (granted > 0) {
      held.put(producer, holds + granted);
      total += granted;
    }
    return granted;
  }

  /**
   * Returns {@code count} of the producer's items.
   *
   * @throws IllegalArgumentException if {@code count} is negative or more than the producer holds
   */
  void release(String producer, int count) {
    long holds = held(producer);
    checkArgument(
        count >= 0 && count <= holds,
        "count: %s (expected: 0 to %s, the items in flight for producer %s)",
        count,
        holds,
        producer);
    if (count == 0) {
      return;
    }
    if (holds == count) {
      held.remove(producer);
    } else {
      held.put(producer, holds - count);
    }
    total -= count;
  }

  /** Drops the producer; returns the items it held. */
  long forget(String producer) {
    Long holds = held.remove(producer);
    if (holds == null) {
      return 0;
    }
    total -= holds;
    return holds;
  }

  /** The items the producer holds. */
  long held(String producer) {
    return held.getOrDefault(producer, 0L);
  }

  /** The items all producers hold. */
  long total() {
    return total;
  }
}
