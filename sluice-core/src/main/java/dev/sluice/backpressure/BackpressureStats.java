package dev.sluice.backpressure;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a {@link BackpressureController}'s state and counters, taken under its lock, so the
 * fields agree with each other. Immutable. Counters only grow; durations include the interval still
 * open at the moment of the snapshot (the current pause, a producer still starved), measured by the
 * controller's {@link dev.sluice.flow.Ticker}.
 *
 * <p>Starvation is counted in intervals, not calls, so a producer that polls quickly does not
 * inflate it. A producer's interval starts when it asks while paused and ends when it next gets a
 * grant; a consumer's starts when a lease comes back empty and ends when one comes back non-empty.
 * The two are separate because they call for opposite fixes: producer starvation for a faster
 * consumer or a larger buffer, consumer starvation for more producer capacity. Times are summed
 * over producers (or consumers): two producers starved for a second each count two seconds.
 *
 * @param paused whether the latch is paused
 * @param pauses transitions to paused
 * @param resumes transitions to resumed ({@code pauses - resumes} is 1 while paused, else 0)
 * @param timePaused total time paused, including the current pause
 * @param levels the last level seen of every signal, by name
 * @param inFlight items granted to producers and not yet released, over all producers
 * @param producerStarvations producer starvation intervals started
 * @param producerStarvedTime total length of producer starvation intervals
 * @param consumerStarvations consumer starvation intervals started
 * @param consumerStarvedTime total length of consumer starvation intervals
 */
public record BackpressureStats(
    boolean paused,
    long pauses,
    long resumes,
    Duration timePaused,
    Map<String, Long> levels,
    long inFlight,
    long producerStarvations,
    Duration producerStarvedTime,
    long consumerStarvations,
    Duration consumerStarvedTime) {

  /** Copies {@code levels}. */
  public BackpressureStats {
    levels = Map.copyOf(levels);
  }
}
