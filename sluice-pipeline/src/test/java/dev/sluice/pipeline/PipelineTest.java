package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.FlowConfigException;
import dev.sluice.pipeline.PipelineException.Reason;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's behaviour, one scenario each, in virtual time. */
class PipelineTest {

  static final long KIB = 1024;

  final ManualClock clock = new ManualClock();
  Pipeline pipeline;

  Pipeline create(PipelineConfig.Builder builder) {
    pipeline = Pipeline.create(builder.ticker(clock).scheduler(clock).build());
    return pipeline;
  }

  @AfterEach
  void checkInvariants() {
    if (pipeline != null) {
      PipelineStatus s = pipeline.status();
      assertThat(s.reservedBytes())
          .isEqualTo(s.leased() * pipeline.config().reservedBytesPerItem());
      assertThat(s.backlog()).isEqualTo(s.resultsVisible() + s.resultsLeased());
      assertThat(s.leasesByWorker().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(s.leased());
      assertThat(s.backpressure().inFlight()).isEqualTo(s.leased());
      if (pipeline.config().highWatermarkBytes() > 0) { // the latch sees exactly what is counted
        assertThat(s.backpressure().levels())
            .containsEntry(Pipeline.BYTES, s.residentBytes() + s.reservedBytes());
      }
      assertThat(s.peakBytes()).isGreaterThanOrEqualTo(s.residentBytes() + s.reservedBytes());
      pipeline.close();
    }
  }

  static List<WorkItem> items(int n) {
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(new WorkItem("item-" + i, "prompt " + i));
    }
    return items;
  }

  /** Leases one item for {@code worker} and commits a result of {@code bytes}. */
  static void produce(Pipeline p, String worker, long bytes) {
    ItemLease lease = p.lease(worker, 1).leases().get(0);
    p.commit(worker, lease.leaseId(), new ResultRef("mem://" + lease.itemId(), bytes));
  }

  @Test
  void pausedProducerGetsNothingAndIsCountedOncePerInterval() {
    Pipeline p = create(PipelineConfig.builder().watermarks(50, 100));
    p.add(items(10));
    produce(p, "w0", 100);
    assertThat(p.status().paused()).isTrue();

    LeaseBatch refused = p.lease("w0", 5);
    assertThat(refused.leases()).isEmpty();
    assertThat(refused.paused()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(p.lease("w0", 5).paused()).isTrue(); // polling again does not count again
    assertThat(p.status().backpressure().producerStarvations()).isEqualTo(1);
    assertThat(p.status().backpressure().producerStarvedTime()).isEqualTo(Duration.ofSeconds(2));

    ResultLease result = p.leaseResults("t0", 1).get(0);
    p.ack("t0", result.leaseId());
    assertThat(p.status().paused()).isFalse();
    assertThat(p.lease("w0", 5).leases()).hasSize(5);
    assertThat(p.status().backpressure().pauses()).isEqualTo(1);
    assertThat(p.status().backpressure().resumes()).isEqualTo(1);
  }

  @Test
  void backlogIsThreeThenZeroAfterAcks() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(3));
    for (int i = 0; i < 3; i++) {
      produce(p, "w0", 10);
    }
    assertThat(p.status().backlog()).isEqualTo(3);
    assertThat(p.status().residentBytes()).isEqualTo(30);
    clock.advance(Duration.ofSeconds(5));
    assertThat(p.status().oldestResultAge()).isEqualTo(Duration.ofSeconds(5));
    for (ResultLease lease : p.leaseResults("t0", 10)) {
      assertThat(p.ack("t0", lease.leaseId())).isEqualTo(AckOutcome.ACKED);
    }
    PipelineStatus s = p.status();
    assertThat(s.backlog()).isZero();
    assertThat(s.residentBytes()).isZero();
    assertThat(s.oldestResultAge()).isZero();
    assertThat(s.acked()).isEqualTo(3);
  }

  @Test
  void noPolicyBehavesAsWithoutBackpressure() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(5));
    LeaseBatch all = p.lease("w0", 5);
    assertThat(all.leases()).hasSize(5);
    for (ItemLease lease : all.leases()) {
      p.commit("w0", lease.leaseId(), new ResultRef("mem://x", 1L << 40));
    }
    PipelineStatus s = p.status();
    assertThat(s.paused()).isFalse();
    assertThat(s.backpressure().pauses()).isZero();
    assertThat(s.freeToHighWatermarkBytes()).isEqualTo(-1);
    assertThat(p.leaseResults("t0", 100)).hasSize(5);
  }

  @Test
  void perWorkerCapAndPerCallResultCap() {
    Pipeline p = create(PipelineConfig.builder().maxInFlightPerWorker(2).maxResultsPerLease(2));
    p.add(items(10));
    assertThat(p.lease("w0", 10).leases()).hasSize(2);
    LeaseBatch atCap = p.lease("w0", 10);
    assertThat(atCap.leases()).isEmpty();
    assertThat(atCap.paused()).isFalse();
    assertThat(p.lease("w1", 10).leases()).hasSize(2);
    assertThat(p.status().leasesByWorker()).containsEntry("w0", 2L).containsEntry("w1", 2L);
    for (int i = 0; i < 4; i++) {
      produce(p, "w2", 1);
    }
    assertThat(p.leaseResults("t0", 10)).hasSize(2);
  }

  @Test
  void deadWorkersLeasesReturnAfterExpiryButHeartbeatsKeepThem() {
    Pipeline p =
        create(
            PipelineConfig.builder()
                .leaseTimeout(Duration.ofSeconds(10))
                .reservedBytesPerItem(KIB));
    p.add(items(3));
    List<ItemLease> leased = p.lease("w0", 3).leases();
    assertThat(p.status().reservedBytes()).isEqualTo(3 * KIB);
    clock.advance(Duration.ofSeconds(6));
    p.heartbeat("w0", leased.get(0).leaseId());
    clock.advance(Duration.ofSeconds(5)); // 11 s: two expire, the heartbeaten one lives to 16 s

    PipelineStatus s = p.status();
    assertThat(s.expiredLeases()).isEqualTo(2);
    assertThat(s.pending()).isEqualTo(2);
    assertThat(s.leasesByWorker()).containsEntry("w0", 1L);
    assertThat(s.reservedBytes()).isEqualTo(KIB);
    assertThatThrownBy(() -> p.commit("w0", leased.get(1).leaseId(), new ResultRef("r", 1)))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.LEASE_EXPIRED);
    List<ItemLease> retried = p.lease("w1", 5).leases();
    assertThat(retried).extracting(ItemLease::attempt).containsExactly(2, 2);

    clock.advance(Duration.ofSeconds(5)); // 16 s: the heartbeaten one expires too
    assertThat(p.status().expiredLeases()).isEqualTo(3);
    assertThat(p.item(leased.get(0).itemId()).orElseThrow().lastError()).isEqualTo("lease expired");
  }

  @Test
  void doubleAckIsIdempotentAndLosesNothing() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(1));
    produce(p, "w0", 100);
    ResultLease lease = p.leaseResults("t0", 1).get(0);
    assertThat(p.ack("t0", lease.leaseId())).isEqualTo(AckOutcome.ACKED);
    assertThat(p.ack("t0", lease.leaseId())).isEqualTo(AckOutcome.ALREADY_ACKED);
    assertThat(p.status().acked()).isEqualTo(1);
    assertThat(p.status().residentBytes()).isZero();
    assertThatThrownBy(() -> p.ack("t1", lease.leaseId()))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.NOT_OWNER);
    assertThatThrownBy(() -> p.ack("t0", "r-nope"))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.UNKNOWN_LEASE);
    assertThat(p.item("item-0").orElseThrow().state()).isEqualTo(ItemState.ACKED);
  }

  @Test
  void visibilityTimeoutRedeliversAndTheStaleAckIsRefused() {
    Pipeline p = create(PipelineConfig.builder().visibilityTimeout(Duration.ofSeconds(30)));
    p.add(items(1));
    produce(p, "w0", 100);
    ResultLease first = p.leaseResults("t0", 1).get(0);
    assertThat(p.leaseResults("t1", 1)).isEmpty();
    clock.advance(Duration.ofSeconds(31));
    ResultLease second = p.leaseResults("t1", 1).get(0);
    assertThat(second.delivery()).isEqualTo(2);
    assertThatThrownBy(() -> p.ack("t0", first.leaseId()))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.LEASE_EXPIRED);
    assertThat(p.ack("t1", second.leaseId())).isEqualTo(AckOutcome.ACKED);
    assertThat(p.status().expiredResultLeases()).isEqualTo(1);
  }

  @Test
  void consumerHeartbeatsKeepAResultInvisible() {
    Pipeline p = create(PipelineConfig.builder().visibilityTimeout(Duration.ofSeconds(30)));
    p.add(items(1));
    produce(p, "w0", 100);
    ResultLease held = p.leaseResults("t0", 1).get(0);
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(20));
      p.heartbeatResult("t0", held.leaseId());
    }
    assertThat(p.leaseResults("t1", 1)).isEmpty(); // 60 s later, still held by t0
    assertThatThrownBy(() -> p.heartbeatResult("t1", held.leaseId()))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.NOT_OWNER);
    clock.advance(Duration.ofSeconds(31)); // t0 stops heartbeating
    assertThat(p.leaseResults("t1", 1)).hasSize(1);
    assertThat(p.status().expiredResultLeases()).isEqualTo(1);
  }

  @Test
  void consumerStarvationIsCountedInTime() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(1));
    assertThat(p.leaseResults("t0", 4)).isEmpty();
    clock.advance(Duration.ofSeconds(3));
    assertThat(p.leaseResults("t0", 4)).isEmpty(); // the same interval, not a second one
    produce(p, "w0", 10);
    assertThat(p.leaseResults("t0", 4)).hasSize(1);
    assertThat(p.status().backpressure().consumerStarvations()).isEqualTo(1);
    assertThat(p.status().backpressure().consumerStarvedTime()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void failedResultIsVisibleAgain() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(1));
    produce(p, "w0", 100);
    ResultLease lease = p.leaseResults("t0", 1).get(0);
    p.failResult("t0", lease.leaseId());
    assertThatThrownBy(() -> p.ack("t0", lease.leaseId()))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.LEASE_ENDED);
    assertThat(p.leaseResults("t0", 1)).extracting(ResultLease::delivery).containsExactly(2);
  }

  @Test
  void retryableFailuresUseAttemptsThenFailForGood() {
    Pipeline p = create(PipelineConfig.builder().maxAttempts(2));
    p.add(items(2));
    ItemLease a = p.lease("w0", 1).leases().get(0);
    assertThat(p.fail("w0", a.leaseId(), "oom", true)).isEqualTo(FailOutcome.RETRYING);
    ItemLease b = p.lease("w0", 1).leases().get(0);
    assertThat(b.itemId()).isEqualTo("item-1");
    ItemLease again = p.lease("w0", 1).leases().get(0);
    assertThat(again.itemId()).isEqualTo("item-0");
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(p.fail("w0", again.leaseId(), "oom", true)).isEqualTo(FailOutcome.FAILED);
    assertThat(p.fail("w0", b.leaseId(), "bad prompt", false)).isEqualTo(FailOutcome.FAILED);
    PipelineStatus s = p.status();
    assertThat(s.failed()).isEqualTo(2);
    assertThat(s.retries()).isEqualTo(1);
    assertThat(s.pending()).isZero();
    assertThat(p.item("item-1").orElseThrow().lastError()).isEqualTo("bad prompt");
    assertThatThrownBy(() -> p.fail("w0", b.leaseId(), "again", false))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.LEASE_ENDED);
  }

  @Test
  void hardCapRefusesACommitWithItsReason() {
    Pipeline p = create(PipelineConfig.builder().maxResidentBytes(2 * KIB));
    p.add(items(3));
    produce(p, "w0", 1536);
    ItemLease over = p.lease("w0", 1).leases().get(0);
    assertThatThrownBy(() -> p.commit("w0", over.leaseId(), new ResultRef("r", KIB)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("maxResidentBytes 2048")
        .hasMessageContaining("pending again")
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.OVER_CAPACITY);
    assertThat(p.item(over.itemId()).orElseThrow().state()).isEqualTo(ItemState.PENDING);

    List<ItemLease> two = p.lease("w0", 2).leases();
    assertThatThrownBy(() -> p.commit("w0", two.get(0).leaseId(), new ResultRef("r", 3 * KIB)))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.RESULT_TOO_LARGE);
    assertThat(p.item(two.get(0).itemId()).orElseThrow().state()).isEqualTo(ItemState.FAILED);
    PipelineStatus s = p.status();
    assertThat(s.rejectedOverCapacity()).isEqualTo(2);
    assertThat(s.peakResidentBytes()).isLessThanOrEqualTo(2 * KIB);
  }

  @Test
  void commitIsIdempotentForItsWorkerAndOwnedByIt() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(1));
    ItemLease lease = p.lease("w0", 1).leases().get(0);
    assertThatThrownBy(() -> p.heartbeat("w1", lease.leaseId()))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.NOT_OWNER);
    assertThatThrownBy(() -> p.commit("w1", lease.leaseId(), new ResultRef("r", 1)))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.NOT_OWNER);
    ResultRef ref = new ResultRef("r", 1);
    assertThat(p.commit("w0", lease.leaseId(), ref)).isEqualTo(CommitOutcome.COMMITTED);
    assertThat(p.commit("w0", lease.leaseId(), ref)).isEqualTo(CommitOutcome.ALREADY_COMMITTED);
    assertThatThrownBy(() -> p.commit("w1", lease.leaseId(), ref))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.NOT_OWNER);
    assertThat(lease.leaseId()).isEqualTo("p-1"); // ids count leases: p-1, p-2, ...
    assertThat(p.status().committed()).isEqualTo(1);
    assertThat(p.add(items(1))).isEqualTo(new AddResult(0, 1));
  }

  @Test
  void pausedLeaseAsyncIsWokenByTheAckThatResumesNotByTime() {
    Pipeline p = create(PipelineConfig.builder().watermarks(50, 100));
    p.add(items(3));
    produce(p, "w0", 100);
    CompletableFuture<LeaseBatch> waiting = p.leaseAsync("w0", 2, Duration.ofSeconds(30));
    assertThat(waiting).isNotDone();
    ResultLease result = p.leaseResults("t0", 1).get(0);
    p.ack("t0", result.leaseId());
    assertThat(waiting).isCompleted(); // the clock never moved: woken by the resume
    assertThat(waiting.join().leases()).hasSize(2);
  }

  @Test
  void leaseAsyncWaitsForWorkThenTimesOutEmpty() {
    Pipeline p = create(PipelineConfig.builder());
    CompletableFuture<LeaseBatch> first = p.leaseAsync("w0", 2, Duration.ofSeconds(30));
    p.add(items(1));
    assertThat(first.join().leases()).hasSize(1);

    CompletableFuture<LeaseBatch> second = p.leaseAsync("w0", 2, Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(29));
    assertThat(second).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(second.join().leases()).isEmpty();
    assertThat(p.leaseAsync("w0", 1, Duration.ZERO).join().isEmpty()).isTrue();
    assertThatThrownBy(() -> p.leaseAsync("w0", 0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max: 0 (expected: > 0)");
  }

  @Test
  void cancelledLeaseAsyncIsNeverHandedWork() {
    Pipeline p = create(PipelineConfig.builder());
    CompletableFuture<LeaseBatch> gone = p.leaseAsync("w0", 2, Duration.ofSeconds(30));
    gone.cancel(false);
    p.add(items(1));
    assertThat(p.status().pending()).isEqualTo(1);
    assertThat(p.status().leased()).isZero();
  }

  @Test
  void leaseResultsAsyncIsWokenByACommit() {
    Pipeline p = create(PipelineConfig.builder());
    p.add(items(1));
    CompletableFuture<List<ResultLease>> waiting =
        p.leaseResultsAsync("t0", 4, Duration.ofSeconds(30));
    assertThat(waiting).isNotDone();
    produce(p, "w0", 10);
    assertThat(waiting.join()).hasSize(1);
    CompletableFuture<List<ResultLease>> empty =
        p.leaseResultsAsync("t0", 4, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(empty.join()).isEmpty();
    assertThat(p.status().backpressure().consumerStarvations()).isEqualTo(2); // two empty leases
  }

  @Test
  void closeFailsWaitersAndRefusesCalls() {
    Pipeline p = create(PipelineConfig.builder());
    CompletableFuture<LeaseBatch> waiting = p.leaseAsync("w0", 1, Duration.ofSeconds(30));
    p.close();
    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(() -> p.add(items(1)))
        .extracting(e -> ((PipelineException) e).reason())
        .isEqualTo(Reason.CLOSED);
    pipeline = null;
  }

  @Test
  void configNamesEveryBadField() {
    assertThatThrownBy(
            () ->
                PipelineConfig.builder()
                    .watermarks(20, 10)
                    .maxResidentBytes(5)
                    .maxAttempts(0)
                    .leaseTimeout(Duration.ZERO)
                    .maxInFlightPerWorker(-1)
                    .build())
        .isInstanceOf(FlowConfigException.class)
        .hasMessageContaining("lowWatermarkBytes: 20 (expected: <= highWatermarkBytes 10)")
        .hasMessageContaining("maxResidentBytes: 5 (expected: >= highWatermarkBytes 10")
        .hasMessageContaining("maxAttempts: 0")
        .hasMessageContaining("leaseTimeout: PT0S")
        .hasMessageContaining("maxInFlightPerWorker: -1");
  }
}
