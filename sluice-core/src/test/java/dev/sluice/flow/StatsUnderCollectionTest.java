package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FlowController#stats()} while idle flows and bands are collected: the outcome totals of
 * every snapshot are exact, however the collector's moves (a flow's counts into its band, a band's
 * into the controller's) interleave with the snapshot's reads. A fake clock drives collection on
 * one thread while another reads stats without pause.
 */
class StatsUnderCollectionTest {
  private static final int REQUESTS = 20_000;

  @Test
  @Timeout(120)
  void outcomeTotalsStayExactWhileFlowsAndBandsAreCollected() throws InterruptedException {
    ManualClock clock = new ManualClock();
    FlowControllerConfig config =
        FlowControllerConfig.builder()
            .ticker(clock)
            .scheduler(clock)
            .flowIdleTimeout(Duration.ofMillis(2))
            .bandIdleTimeout(Duration.ofMillis(4))
            .build();
    try (FlowController controller = TrackedControllers.create(config)) {
      for (int round = 0; round < 3; round++) {
        // One flow per request, half of them in a dynamic band; every request ended, so every
        // snapshot from here on must count exactly this many.
        long expected = (round + 1L) * REQUESTS;
        for (int i = 0; i < REQUESTS; i++) {
          int priority = i % 2 == 0 ? 0 : 7;
          controller.acquire(FlowRequest.of(FlowKey.of("r" + round + "-" + i, priority))).close();
        }
        assertThat(total(controller.stats())).isEqualTo(expected);

        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        CountDownLatch readerRunning = new CountDownLatch(1);
        CountDownLatch collected = new CountDownLatch(1);
        int finalRound = round;
        Thread reader =
            new Thread(
                () -> {
                  while (collected.getCount() > 0 && problem.get() == null) {
                    long seen = total(controller.stats());
                    reads.incrementAndGet();
                    readerRunning.countDown();
                    if (seen != expected) {
                      problem.set(
                          "round "
                              + finalRound
                              + ", read "
                              + reads.get()
                              + ": total "
                              + seen
                              + ", expected "
                              + expected);
                    }
                  }
                },
                "stats-reader");
        reader.start();
        assertThat(readerRunning.await(60, TimeUnit.SECONDS)).isTrue();
        for (int step = 0; step < 100 && problem.get() == null; step++) {
          clock.advance(Duration.ofNanos(100_000)); // collection runs here, every 0.5 ms
        }
        collected.countDown();
        reader.join();

        assertThat(problem.get()).isNull();
        FlowStats after = controller.stats();
        assertThat(total(after)).isEqualTo(expected);
        assertThat(after.band(7)).as("the dynamic band was collected").isNull();
        assertThat(after.band(0).flows()).as("every flow was collected").isEmpty();
        assertThat(after.band(0).outcomes().get(Outcome.DISPATCHED))
            .as("band 0 keeps its flows' counts")
            .isEqualTo(expected / 2);
      }
    }
  }

  private static long total(FlowStats stats) {
    return stats.outcomes().values().stream().mapToLong(Long::longValue).sum();
  }
}
