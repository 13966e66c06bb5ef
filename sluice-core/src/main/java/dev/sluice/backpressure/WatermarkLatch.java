package dev.sluice.backpressure;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.Ticker;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The watermark latch over the signals' levels, with the consumer quantum and the paused-time
 * clock. Invariant: the latch pauses only when some signal is at or above its high mark (and the
 * quantum is met), resumes only when every signal is at or below its low mark and below its high
 * mark (or the quantum is not met), and otherwise holds; each transition is returned exactly once,
 * and {@code pauses - resumes} is 1 while paused and 0 otherwise. A level read by a refresh never
 * overwrites one whose reading began after it (the stamps). See {@link BackpressureController} for
 * the rule's rationale.
 *
 * <p>Not thread-safe: guarded by the controller's lock, except {@link #isPaused()}, which is
 * volatile and may be read without it.
 */
final class WatermarkLatch {
  private final Ticker ticker;
  private final String[] signals;
  private final Map<String, Integer> indexOf;
  private final int watermarked;
  private final long[] low;
  private final long[] high;
  private final int quantumIndex;
  private final long quantum;

  private final long[] levels;
  private final long[] stamps;
  private volatile boolean paused;
  private long pauses;
  private long resumes;
  private long pausedSince;
  private long pausedNanos;

  WatermarkLatch(BackpressureConfig config) {
    this.ticker = config.ticker();
    this.signals = config.signals().toArray(new String[0]);
    this.watermarked = config.watermarks().size();
    this.low = new long[watermarked];
    this.high = new long[watermarked];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < signals.length; i++) {
      index.put(signals[i], i);
    }
    for (Watermark mark : config.watermarks()) {
      int i = Objects.requireNonNull(index.get(mark.signal()), "a watermark's signal is a signal");
      low[i] = mark.low();
      high[i] = mark.high();
    }
    this.indexOf = Map.copyOf(index);
    this.quantumIndex = config.quantumSignal().map(index::get).orElse(-1);
    this.quantum = config.consumerQuantum();
    this.levels = new long[signals.length];
    this.stamps = new long[signals.length];
  }

  /**
   * The index of a signal from the configuration.
   *
   * @throws IllegalArgumentException if the signal is unknown
   */
  int index(String signal) {
    int i = indexOf.getOrDefault(Objects.requireNonNull(signal, "signal"), -1);
    checkArgument(i >= 0, "signal: %s (expected: one of %s)", signal, List.of(signals));
    return i;
  }

  int signalCount() {
    return signals.length;
  }

  String signal(int i) {
    return signals[i];
  }

  /** Sets a pushed level, read at {@code stamp} (the newest reading). */
  void set(int i, long level, long stamp) {
    levels[i] = level;
    stamps[i] = stamp;
  }

  /** Sets a pulled level read at {@code stamp}, unless a later reading already set it. */
  void offer(int i, long level, long stamp) {
    if (stamp > stamps[i]) {
      levels[i] = level;
      stamps[i] = stamp;
    }
  }

  boolean isPaused() {
    return paused;
  }

  long pauses() {
    return pauses;
  }

  long resumes() {
    return resumes;
  }

  /** The time spent paused, including the open pause up to {@code now}. */
  long pausedNanos(long now) {
    return pausedNanos + (paused ? now - pausedSince : 0);
  }

  /** The levels by signal, in configuration order. */
  Map<String, Long> levels() {
    Map<String, Long> snapshot = new LinkedHashMap<>();
    for (int i = 0; i < signals.length; i++) {
      snapshot.put(signals[i], levels[i]);
    }
    return snapshot;
  }

  /** Evaluates the latch on the current levels; returns the transition it made, if any. */
  @Nullable Transition evaluate() {
    boolean quantumMet = quantumIndex < 0 || levels[quantumIndex] >= quantum;
    if (!paused) {
      if (quantumMet) {
        for (int i = 0; i < watermarked; i++) {
          if (levels[i] >= high[i]) {
            paused = true;
            pauses++;
            pausedSince = ticker.read();
            return new Transition(true, signals[i], levels[i]);
          }
        }
      }
      return null;
    }
    if (quantumMet) {
      for (int i = 0; i < watermarked; i++) {
        if (levels[i] > low[i] || levels[i] >= high[i]) {
          return null;
        }
      }
    }
    paused = false;
    resumes++;
    pausedNanos += ticker.read() - pausedSince;
    return new Transition(false, "", 0);
  }
}
