package dev.sluice.pipeline;

import dev.sluice.backpressure.BackpressureStats;
import java.time.Duration;
import java.util.Map;

/**
 * A consistent snapshot of a {@link Pipeline}, taken under its lock. Immutable. Counters only grow.
 *
 * @param paused whether producers are paused by backpressure
 * @param pending items waiting for a producer
 * @param leased items leased to producers
 * @param resultsVisible results waiting for a consumer
 * @param resultsLeased results leased to consumers and not yet acked
 * @param added items ever added
 * @param committed results ever committed
 * @param acked results ever acked
 * @param failed items that failed for good
 * @param retries retryable failures, expiries and over-capacity rejections that sent an item back
 * @param expiredLeases producer leases that expired (the worker stopped heartbeating)
 * @param expiredResultLeases consumer leases whose visibility timeout passed
 * @param rejectedOverCapacity commits refused by the hard byte cap
 * @param backlog committed minus acked: results produced and not yet consumed
 * @param residentBytes the bytes of results held (committed, not acked)
 * @param reservedBytes bytes reserved for leased items not yet committed
 * @param peakResidentBytes the most resident bytes ever held
 * @param peakBytes the most resident plus reserved bytes ever counted
 * @param freeToHighWatermarkBytes {@code max(0, high - resident - reserved)}, or -1 without a
 *     watermark
 * @param oldestResultAge the age of the oldest unacked result, zero if none
 * @param leasesByWorker producer leases held per worker (workers with none are absent)
 * @param backpressure the backpressure controller's counters: pauses, resumes, time paused,
 *     producer and consumer starvation intervals and times
 */
public record PipelineStatus(
    boolean paused,
    long pending,
    long leased,
    long resultsVisible,
    long resultsLeased,
    long added,
    long committed,
    long acked,
    long failed,
    long retries,
    long expiredLeases,
    long expiredResultLeases,
    long rejectedOverCapacity,
    long backlog,
    long residentBytes,
    long reservedBytes,
    long peakResidentBytes,
    long peakBytes,
    long freeToHighWatermarkBytes,
    Duration oldestResultAge,
    Map<String, Long> leasesByWorker,
    BackpressureStats backpressure) {

  /** Copies {@code leasesByWorker}. */
  public PipelineStatus {
    leasesByWorker = Map.copyOf(leasesByWorker);
  }
}
