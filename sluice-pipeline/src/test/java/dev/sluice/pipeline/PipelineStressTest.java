package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Producers and consumers on real threads, with random retryable failures, heartbeats, result
 * failures and repeated acks: every item is acked exactly once and every byte and lease is back to
 * zero at the end. Rerun a failure with {@code -Dsluice.stress.seed=N}.
 */
class PipelineStressTest {

  static final long KIB = 1024;
  static final int ITEMS = 3000;

  @Test
  void everyItemIsAckedExactlyOnceAndBytesReturnToZero() throws Exception {
    run(Duration.ofHours(1));
  }

  /**
   * Leases of a few milliseconds expire while workers commit and consumers ack: late commits and
   * acks are refused as expired, the work is redone, and still each item is acked exactly once.
   */
  @Test
  void exactlyOnceHoldsWhileLeasesExpireUnderfoot() throws Exception {
    PipelineStatus s = run(Duration.ofMillis(3));
    System.out.println(
        "PipelineStressTest expiries: "
            + s.expiredLeases()
            + " producer, "
            + s.expiredResultLeases()
            + " consumer");
  }

  private PipelineStatus run(Duration timeout) throws Exception {
    long seed = Long.getLong("sluice.stress.seed", System.nanoTime());
    System.out.println("PipelineStressTest seed " + seed + " timeout " + timeout);
    Pipeline p =
        Pipeline.create(
            PipelineConfig.builder()
                .watermarks(8 * KIB, 16 * KIB)
                .maxResidentBytes(32 * KIB)
                .reservedBytesPerItem(KIB)
                .maxInFlightPerWorker(4)
                .maxResultsPerLease(3)
                .maxAttempts(1_000_000)
                .leaseTimeout(timeout)
                .visibilityTimeout(timeout)
                .build());
    Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
    AtomicLong acked = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(7);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Random random = new Random(seed + i);
        String worker = "w" + i;
        running.add(
            threads.submit(
                () -> {
                  while (acked.get() < ITEMS) {
                    LeaseBatch batch =
                        p.leaseAsync(worker, 1 + random.nextInt(4), Duration.ofMillis(5)).join();
                    for (ItemLease lease : batch.leases()) {
                      int roll = random.nextInt(10);
                      try {
                        if (roll == 0) {
                          p.fail(worker, lease.leaseId(), "flaky", true);
                          continue;
                        }
                        if (roll == 1) {
                          p.heartbeat(worker, lease.leaseId());
                        }
                        p.commit(
                            worker, lease.leaseId(), new ResultRef("mem://" + lease.itemId(), KIB));
                      } catch (PipelineException e) {
                        assertThat(e.reason()).isEqualTo(PipelineException.Reason.LEASE_EXPIRED);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (int i = 0; i < 3; i++) {
        Random random = new Random(seed + 100 + i);
        String consumer = "t" + i;
        running.add(
            threads.submit(
                () -> {
                  while (acked.get() < ITEMS) {
                    List<ResultLease> leases =
                        p.leaseResultsAsync(consumer, 1 + random.nextInt(4), Duration.ofMillis(5))
                            .join();
                    for (ResultLease lease : leases) {
                      int roll = random.nextInt(10);
                      try {
                        if (roll == 0) {
                          p.failResult(consumer, lease.leaseId());
                          continue;
                        }
                        assertThat(p.ack(consumer, lease.leaseId())).isEqualTo(AckOutcome.ACKED);
                      } catch (PipelineException e) {
                        assertThat(e.reason()).isEqualTo(PipelineException.Reason.LEASE_EXPIRED);
                        continue;
                      }
                      acks.computeIfAbsent(lease.itemId(), id -> new AtomicInteger())
                          .incrementAndGet();
                      acked.incrementAndGet();
                      if (roll == 1) {
                        assertThat(p.ack(consumer, lease.leaseId()))
                            .isEqualTo(AckOutcome.ALREADY_ACKED);
                      }
                    }
                  }
                  return null;
                }));
      }
      List<WorkItem> all = PipelineTest.items(ITEMS);
      for (int from = 0; from < ITEMS; from += 100) {
        p.add(all.subList(from, Math.min(ITEMS, from + 150))); // overlapping chunks: duplicates
      }
      for (Future<?> future : running) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(acks).hasSize(ITEMS);
    assertThat(acks.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    PipelineStatus s = p.status();
    assertThat(s.acked()).isEqualTo(ITEMS);
    assertThat(s.added()).isEqualTo(ITEMS);
    assertThat(s.failed()).isZero();
    assertThat(s.residentBytes()).isZero();
    assertThat(s.reservedBytes()).isZero();
    assertThat(s.leased()).isZero();
    assertThat(s.pending()).isZero();
    assertThat(s.backlog()).isZero();
    assertThat(s.leasesByWorker()).isEmpty();
    assertThat(s.backpressure().inFlight()).isZero();
    assertThat(s.paused()).isFalse();
    // The reservation bound holds under concurrency too: high + one worker's cap.
    assertThat(s.peakBytes()).isLessThanOrEqualTo(16 * KIB + 4 * KIB);
    assertThat(s.rejectedOverCapacity()).isZero();
    p.close();
    return s;
  }
}
