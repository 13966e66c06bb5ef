package dev.sluice.backpressure;

import dev.sluice.flow.Ticker;
import java.util.HashMap;
import java.util.Map;

/**
 * Starvation intervals of a set of parties (producers or consumers), by id. Invariant: a party has
 * at most one open interval; {@link #intervals()} counts the intervals opened, and {@link
 * #starvedNanos} is the closed intervals' total plus the open ones' time so far, so it never
 * decreases as the clock advances.
 *
 * <p>Not thread-safe: guarded by the controller's lock.
 */
final class StarvationClock {
  private final Ticker ticker;
  private final Map<String, Long> openSince = new HashMap<>();
  private long intervals;
  private long closedNanos;

  StarvationClock(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Opens {@code id}'s interval now, unless one is open. */
  void start(String id) {
    if (!openSince.containsKey(id)) {
      openSince.put(id, ticker.read());
      intervals++;
    }
  }

  /** Closes {@code id}'s open interval now, if any. */
  void end(String id) {
    Long since = openSince.remove(id);
    if (since != null) {
      closedNanos += ticker.read() - since;
    }
  }

  /** The intervals opened so far. */
  long intervals() {
    return intervals;
  }

  /** The time starved, closed intervals plus the open ones up to {@code now}. */
  long starvedNanos(long now) {
    long total = closedNanos;
    for (long since : openSince.values()) {
      total += now - since;
    }
    return total;
  }
}
