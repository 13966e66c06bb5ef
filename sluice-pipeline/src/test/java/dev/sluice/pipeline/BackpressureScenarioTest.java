package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SpecForge's soak gates and the faults it had, replayed in virtual time: the fake clock moves
 * between rounds, nothing sleeps.
 */
class BackpressureScenarioTest {

  static final long KIB = 1024;

  final ManualClock clock = new ManualClock();

  Pipeline create(PipelineConfig.Builder builder) {
    return Pipeline.create(builder.ticker(clock).scheduler(clock).build());
  }

  static void produce(Pipeline p, String worker, int max, long bytes) {
    for (ItemLease lease : p.lease(worker, max).leases()) {
      p.commit(worker, lease.leaseId(), new ResultRef("mem://" + lease.itemId(), bytes));
    }
  }

  static int consume(Pipeline p, String consumer, int max) {
    List<ResultLease> leases = p.leaseResults(consumer, max);
    for (ResultLease lease : leases) {
      p.ack(consumer, lease.leaseId());
    }
    return leases.size();
  }

  static void drain(Pipeline p) {
    while (consume(p, "drain", 100) > 0) {
      // until nothing is left
    }
  }

  /**
   * SpecForge's {@code test_rollout_outruns_trainer_stays_bounded}: 1 KiB samples, hard cap 24 KiB,
   * high 16 KiB, low 8 KiB, 4000 prompts, 500 rounds, the producer leases 4 a round and the
   * consumer acks 1.
   */
  @Test
  void producerFourTimesFasterThanTheConsumerStaysUnderTheCap() {
    Pipeline p =
        create(
            PipelineConfig.builder()
                .watermarks(8 * KIB, 16 * KIB)
                .maxResidentBytes(24 * KIB)
                .reservedBytesPerItem(KIB)
                .maxInFlightPerWorker(4));
    p.add(PipelineTest.items(4000));
    for (int round = 0; round < 500; round++) {
      produce(p, "rollout-0", 4, KIB);
      consume(p, "trainer-0", 1);
      clock.advance(Duration.ofMillis(100));
    }
    PipelineStatus s = p.status();
    assertThat(s.peakResidentBytes()).isLessThanOrEqualTo(24 * KIB);
    assertThat(s.backpressure().pauses()).isGreaterThanOrEqualTo(1);
    assertThat(s.acked()).isGreaterThan(250);
    assertThat(s.rejectedOverCapacity()).isZero(); // the watermark acted before the backstop
    assertThat(s.peakBytes()).isLessThanOrEqualTo(16 * KIB + 4 * KIB); // high + one lease
    assertThat(s.backpressure().producerStarvations()).isGreaterThanOrEqualTo(1);
    assertThat(s.backpressure().timePaused()).isPositive();
    drain(p);
    assertThat(p.status().residentBytes()).isZero();
    assertThat(p.status().reservedBytes()).isZero();
    p.close();
  }

  /**
   * SpecForge's {@code test_sustained_lag_soak_drains_to_baseline}: cap 32 KiB, high 24, low 12,
   * 600 rounds, 3 produced a round, the consumer only every 5th round; afterwards bytes return to
   * zero.
   */
  @Test
  void sustainedLagDrainsToBaseline() {
    Pipeline p =
        create(
            PipelineConfig.builder()
                .watermarks(12 * KIB, 24 * KIB)
                .maxResidentBytes(32 * KIB)
                .reservedBytesPerItem(KIB));
    p.add(PipelineTest.items(2000));
    for (int round = 0; round < 600; round++) {
      produce(p, "rollout-0", 3, KIB);
      if (round % 5 == 0) {
        consume(p, "trainer-0", 4);
      }
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(p.status().peakResidentBytes()).isLessThanOrEqualTo(32 * KIB);
    drain(p);
    PipelineStatus s = p.status();
    assertThat(s.residentBytes()).isZero();
    assertThat(s.backlog()).isZero();
    assertThat(s.oldestResultAge()).isZero();
    p.close();
  }

  /**
   * Eight workers with a cap of 4 each lease before any of them commits (the worst case). With a
   * reservation per leased item the latch sees the work in flight and the level stops within one
   * lease of the high mark; without it, every worker gets its full cap and the level ends at twice
   * the mark (SpecForge's overshoot of N × lease × sample).
   */
  @Test
  void reservationsBoundTheOvershootToOneLease() {
    long withReservation = overshoot(KIB);
    long withoutReservation = overshoot(0);
    assertThat(withReservation).isLessThanOrEqualTo(16 * KIB + 4 * KIB);
    assertThat(withoutReservation).isEqualTo(8 * 4 * KIB);
  }

  private long overshoot(long reserved) {
    Pipeline p =
        create(
            PipelineConfig.builder()
                .watermarks(8 * KIB, 16 * KIB)
                .reservedBytesPerItem(reserved)
                .maxInFlightPerWorker(4));
    p.add(PipelineTest.items(100));
    Map<ItemLease, String> owners = new LinkedHashMap<>();
    for (int w = 0; w < 8; w++) {
      for (ItemLease lease : p.lease("w" + w, 4).leases()) {
        owners.put(lease, "w" + w);
      }
    }
    owners.forEach((lease, worker) -> p.commit(worker, lease.leaseId(), new ResultRef("r", KIB)));
    long peak = Math.max(p.status().peakBytes(), p.status().peakResidentBytes());
    p.close();
    return peak;
  }

  /**
   * SpecForge's deadlock (§2.10): the consumer acks whole batches of 4 but leases at most 2 a call,
   * and the high mark is 3 results' worth. With the consumer quantum the producer keeps filling the
   * batch and all 40 items are consumed; without it, it pauses at 3 and nothing is ever acked.
   */
  @Test
  void batchLargerThanTheLeaseCapCompletesWithTheConsumerQuantum() {
    assertThat(batchingRun(4)).isEqualTo(40);
    assertThat(batchingRun(0)).isZero();
  }

  private long batchingRun(int quantum) {
    Pipeline p =
        create(
            PipelineConfig.builder()
                .watermarks(KIB, 3 * KIB)
                .reservedBytesPerItem(KIB)
                .maxInFlightPerWorker(1)
                .maxResultsPerLease(2)
                .consumerQuantum(quantum));
    p.add(PipelineTest.items(40));
    List<ResultLease> batch = new ArrayList<>();
    for (int round = 0; round < 400; round++) {
      produce(p, "rollout-0", 1, KIB);
      batch.addAll(p.leaseResults("trainer-0", 4 - batch.size()));
      if (batch.size() == 4) {
        for (ResultLease lease : batch) {
          p.ack("trainer-0", lease.leaseId());
        }
        batch.clear();
      }
      clock.advance(Duration.ofMillis(10)); // visibility timeout is 60 s: nothing expires
    }
    long acked = p.status().acked();
    if (quantum == 0) {
      assertThat(p.status().paused()).isTrue();
      assertThat(batch).hasSize(3);
    }
    p.close();
    return acked;
  }
}
