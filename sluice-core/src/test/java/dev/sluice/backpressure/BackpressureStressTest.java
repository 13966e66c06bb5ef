package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several threads push signals or make the latch read them from a reporter, take and return grants
 * under a cap (two threads share each producer id), wait for resumes and record leases, all at
 * random. Invariants: no producer ever holds more than its cap, in flight is back to zero at the
 * end, pauses and resumes balance, listeners saw every transition once and in alternating order,
 * and every wait completed. Rerun a failure with {@code -Dsluice.stress.seed=N}.
 */
class BackpressureStressTest {

  private static final int THREADS = 6;
  private static final int OPERATIONS = 100_000;
  private static final int CAP = 3;

  @Test
  void invariantsHoldUnderConcurrentUse() throws Exception {
    long seed = Long.getLong("sluice.stress.seed", System.nanoTime());
    try {
      run(seed);
    } catch (Throwable t) {
      throw new AssertionError(
          "stress test failed with seed "
              + seed
              + " (rerun with -Dsluice.stress.seed="
              + seed
              + ")",
          t);
    }
  }

  private void run(long seed) throws Exception {
    List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    AtomicLong reportedBytes = new AtomicLong();
    AtomicLong reportedRefs = new AtomicLong();
    BackpressureController bp =
        BackpressureController.create(
            BackpressureConfig.builder()
                .reporter(
                    signal -> signal.equals("bytes") ? reportedBytes.get() : reportedRefs.get())
                .watermark("bytes", 200, 400)
                .watermark("refs", 5, 10)
                .maxInFlightPerProducer(CAP)
                .listener(
                    new BackpressureListener() {
                      @Override
                      public void onPaused(String signal, long level) {
                        transitions.add("pause");
                      }

                      @Override
                      public void onResumed() {
                        transitions.add("resume");
                      }
                    })
                .build());
    ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();
    AtomicInteger overCap = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    List<CompletableFuture<Void>> waits = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String producer = "w" + (t % 2);
      String consumer = "c" + t;
      Random random = new Random(seed + t);
      Thread thread =
          new Thread(
              () -> {
                int mine = 0;
                try {
                  start.await();
                  AtomicInteger shared = held.computeIfAbsent(producer, k -> new AtomicInteger());
                  for (int i = 0; i < OPERATIONS; i++) {
                    int op = random.nextInt(100);
                    if (op < 45) {
                      int got = bp.grant(producer, 1 + random.nextInt(4)).granted();
                      if (got > 0) {
                        granted.addAndGet(got);
                        mine += got;
                        if (shared.addAndGet(got) > CAP || bp.inFlight(producer) > CAP) {
                          overCap.incrementAndGet();
                        }
                      }
                    } else if (op < 85) {
                      if (mine > 0) {
                        int give = 1 + random.nextInt(mine);
                        mine -= give;
                        shared.addAndGet(-give);
                        bp.release(producer, give);
                      }
                    } else if (op < 95) {
                      switch (random.nextInt(3)) {
                        case 0 -> bp.update("bytes", random.nextInt(450));
                        case 1 -> bp.update("refs", random.nextInt(12));
                        default -> {
                          // The data plane's counters change and it asks the latch to read them.
                          reportedBytes.set(random.nextInt(450));
                          reportedRefs.set(random.nextInt(12));
                          bp.refresh();
                        }
                      }
                    } else if (op < 97) {
                      waits.add(bp.awaitResume());
                    } else {
                      bp.recordLease(consumer, random.nextInt(3));
                    }
                  }
                  shared.addAndGet(-mine);
                  bp.release(producer, mine);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "backpressure-stress-" + t);
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(120_000);
      assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
    }
    assertThat(failure.get()).isNull();

    reportedBytes.set(0);
    reportedRefs.set(0);
    bp.refresh();
    BackpressureStats stats = bp.stats();

    assertThat(overCap.get()).as("times a producer held more than its cap").isZero();
    assertThat(granted.get()).isPositive();
    assertThat(stats.inFlight()).isZero();
    assertThat(bp.inFlight("w0")).isZero();
    assertThat(bp.inFlight("w1")).isZero();
    assertThat(stats.paused()).isFalse();
    assertThat(stats.pauses()).isPositive().isEqualTo(stats.resumes());
    assertThat(transitions).hasSize((int) (stats.pauses() + stats.resumes()));
    for (int i = 0; i < transitions.size(); i++) {
      assertThat(transitions.get(i))
          .as("transition " + i)
          .isEqualTo(i % 2 == 0 ? "pause" : "resume");
    }
    assertThat(waits).allSatisfy(wait -> assertThat(wait).isCompleted());
    assertThat(bp.waiterCount()).isZero();
  }
}
