package dev.sluice.demo.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Lets real time pass while load runs, on the common pool's timer rather than a sleep. */
final class Pause {

  private Pause() {}

  /** Returns after {@code duration}. */
  static void of(Duration duration) {
    CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(duration.toNanos(), TimeUnit.NANOSECONDS))
        .join();
  }
}
