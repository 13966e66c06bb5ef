package dev.sluice.gateway;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that has no event to wait on (for example a counter in the controller's
 * statistics), re-checking it about every millisecond and failing after a bound. A passing test
 * never waits out the bound; nothing here waits for a fixed time. Stateless.
 */
final class Await {

  static final Duration BOUND = Duration.ofSeconds(10);

  private Await() {}

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + BOUND + " waiting for: " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
