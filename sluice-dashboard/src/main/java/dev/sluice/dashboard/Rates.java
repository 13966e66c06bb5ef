package dev.sluice.dashboard;

import dev.sluice.flow.Ticker;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-second rates of counters between successive snapshots, on an injected clock, smoothed (half
 * the new rate, half the old) so that one bursty interval does not make a page flicker. A key seen
 * for the first time (or whose counter went down: it was recreated) has rate 0 until the next
 * snapshot; a key not seen in a snapshot is forgotten, so memory follows what the snapshots list.
 *
 * <p>Not thread-safe: one snapshot at a time calls {@link #next} and then {@link #rate} ({@link
 * SnapshotStream} takes them one at a time).
 *
 * @param <K> what a counter belongs to
 */
public final class Rates<K> {

  private record Last(long count, double perSecond) {}

  private final Ticker ticker;
  private Map<K, Last> last = new HashMap<>();
  private Map<K, Last> next = new HashMap<>();
  private long lastNanos;
  private double seconds = 1;

  /** Rates timed by {@code ticker}, the first interval starting now. */
  public Rates(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.lastNanos = ticker.read();
  }

  /** Starts a snapshot: the interval since the previous one is what the next rates are over. */
  public void next() {
    long now = ticker.read();
    seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
    lastNanos = now;
    last = next;
    next = new HashMap<>();
  }

  /** The rate of {@code key}'s counter, which stands at {@code count} now, per second. */
  public double rate(K key, long count) {
    Last previous = last.get(key);
    double rate =
        previous == null || count < previous.count()
            ? 0
            : 0.5 * (count - previous.count()) / seconds + 0.5 * previous.perSecond();
    next.put(key, new Last(count, rate));
    return rate;
  }
}
