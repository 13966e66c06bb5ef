package dev.sluice.backpressure;

/**
 * What {@link BackpressureController#grant} gave a producer. Immutable.
 *
 * @param granted how many items the producer may now start; it holds them in flight until it calls
 *     {@link BackpressureController#release}
 * @param paused {@code true} if nothing was granted because the latch is paused: wait on {@link
 *     BackpressureController#awaitResume()}. With {@code granted == 0} and {@code paused == false}
 *     the producer is at its in-flight cap and should ask again after releasing.
 */
public record Grant(int granted, boolean paused) {

  /** Whether nothing was granted. */
  public boolean isEmpty() {
    return granted == 0;
  }
}
