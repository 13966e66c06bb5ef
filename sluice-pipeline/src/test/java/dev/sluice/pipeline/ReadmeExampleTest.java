package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java example, compiled and run (with a fake clock injected). */
class ReadmeExampleTest {

  @Test
  void readmeExampleRuns() {
    ManualClock clock = new ManualClock();
    Pipeline pipeline =
        Pipeline.create(
            PipelineConfig.builder()
                .watermarks(8 << 20, 16 << 20)
                .maxResidentBytes(24 << 20)
                .reservedBytesPerItem(1 << 20)
                .maxInFlightPerWorker(4)
                .maxResultsPerLease(2)
                .consumerQuantum(4)
                .leaseTimeout(Duration.ofSeconds(60))
                .visibilityTimeout(Duration.ofSeconds(60))
                .maxAttempts(3)
                .ticker(clock)
                .scheduler(clock)
                .build());

    pipeline.add(List.of(new WorkItem("p1", "Write a haiku")));

    LeaseBatch batch = pipeline.leaseAsync("rollout-0", 4, Duration.ofSeconds(30)).join();
    for (ItemLease lease : batch.leases()) {
      pipeline.heartbeat("rollout-0", lease.leaseId());
      pipeline.commit("rollout-0", lease.leaseId(), new ResultRef("mem://store/p1", 1 << 20));
    }

    for (ResultLease result : pipeline.leaseResults("trainer-0", 2)) {
      assertThat(pipeline.ack("trainer-0", result.leaseId())).isEqualTo(AckOutcome.ACKED);
      assertThat(pipeline.ack("trainer-0", result.leaseId())).isEqualTo(AckOutcome.ALREADY_ACKED);
    }
    PipelineStatus status = pipeline.status();
    assertThat(status.acked()).isEqualTo(1);
    assertThat(status.residentBytes()).isZero();
    pipeline.close();
  }
}
