package dev.sluice.demo.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that real processes bring about, checking every 20 ms. Stateless. */
final class Poll {

  private static final Duration STEP = Duration.ofMillis(20);

  private Poll() {}

  /**
   * Returns how long {@code condition} took to hold, in nanoseconds.
   *
   * @throws IllegalStateException naming {@code what} if it did not hold within {@code timeout}
   */
  static long until(String what, Duration timeout, BooleanSupplier condition) {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new IllegalStateException("not within " + timeout + ": " + what);
      }
      Pause.of(STEP);
    }
    return System.nanoTime() - start;
  }
}
