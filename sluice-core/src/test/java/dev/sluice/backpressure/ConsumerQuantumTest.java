package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * SpecForge's deadlock (dataflow.md §2.10, §3): a trainer acks whole batches of 4 but may lease
 * only 2 per call, and the byte watermark is reached at 2 resident items. Without a quantum the
 * producer pauses with half a batch resident, the trainer holds it waiting for more, nothing is
 * ever acked and nothing resumes. With the quantum the pipeline runs to the end.
 */
class ConsumerQuantumTest {

  private static final int BATCH = 4;
  private static final int ITEM_BYTES = 100;
  private static final int ITEMS = 40;

  /**
   * A producer and a batching trainer taking turns; returns the items acked after {@code rounds}.
   */
  private static Outcome run(BackpressureController bp, int rounds) {
    int resident = 0; // produced and not acked (queued or held by the trainer)
    int queued = 0;
    int held = 0;
    int produced = 0;
    int acked = 0;
    for (int round = 0; round < rounds && acked < ITEMS; round++) {
      if (produced < ITEMS) {
        Grant grant = bp.grant("rollout", 1);
        if (grant.granted() == 1) {
          produced++;
          resident++;
          queued++;
          bp.update("items", resident);
          bp.update("bytes", (long) resident * ITEM_BYTES);
          bp.release("rollout", 1);
        }
      }
      int lease = Math.min(bp.leaseLimit(BATCH - held), queued);
      queued -= lease;
      held += lease;
      bp.recordLease("trainer", lease);
      if (held == BATCH) {
        resident -= BATCH;
        acked += BATCH;
        held = 0;
        bp.update("items", resident);
        bp.update("bytes", (long) resident * ITEM_BYTES);
      }
    }
    return new Outcome(acked, held, bp.stats());
  }

  private record Outcome(int acked, int held, BackpressureStats stats) {}

  private static BackpressureConfig.Builder pipeline() {
    return BackpressureConfig.builder()
        .ticker(new ManualClock())
        .watermark(
            "bytes", ITEM_BYTES, 2 * ITEM_BYTES) // pause at 2 items' bytes, less than a batch
        .maxLeasePerCall(2)
        .maxInFlightPerProducer(1);
  }

  @Test
  void aBatchLargerThanTheLeaseCapCompletesWithTheQuantum() {
    BackpressureController bp =
        BackpressureController.create(pipeline().consumerQuantum("items", BATCH).build());

    Outcome outcome = run(bp, 1_000);

    assertThat(outcome.acked()).isEqualTo(ITEMS);
    assertThat(outcome.stats().pauses())
        .isGreaterThan(0); // the watermark still throttled the producer
    assertThat(outcome.stats().paused()).isFalse();
    assertThat(outcome.stats().inFlight()).isZero();
  }

  @Test
  void withoutTheQuantumTheSamePipelineDeadlocks() {
    BackpressureController bp =
        BackpressureController.create(
            pipeline()
                .consumerQuantum("items", 1)
                .build()); // a quantum of one item guards nothing here

    Outcome outcome = run(bp, 1_000);

    assertThat(outcome.acked()).isZero();
    assertThat(outcome.held()).isEqualTo(2);
    assertThat(outcome.stats().paused()).isTrue();
    assertThat(outcome.stats().producerStarvations()).isEqualTo(1);
    assertThat(outcome.stats().consumerStarvations()).isEqualTo(1);
  }
}
