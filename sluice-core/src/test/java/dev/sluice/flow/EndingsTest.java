package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Exactly one outcome per request: the first to complete the future counts it, reports it and
 * releases the lease; the loser counts nothing. A failing listener changes none of that.
 */
class EndingsTest {
  private final Recorder recorder = new Recorder();
  private final Endings endings = new Endings(recorder);
  private final Flow flow = new Flow(null, FlowKey.of("t"), null);

  /** A queued request holding a lease on {@link #flow}, as the controller creates it. */
  private QueuedRequest queued() {
    assertThat(flow.tryAcquire()).isTrue();
    return new QueuedRequest(FlowRequest.of(flow.key), flow, Durations.NEVER);
  }

  private long count(Outcome outcome) {
    return flow.outcomes.get(outcome.ordinal());
  }

  private int holders() {
    return Flow.holders(flow.lease.get());
  }

  @Test
  void anEvictionCountsReportsAndReleasesOnce() {
    QueuedRequest item = queued();
    endings.evicted(item, Outcome.EVICTED_TTL, "deadline passed", 7);
    endings.evicted(item, Outcome.EVICTED_SHUTDOWN, "shut down", 8); // lost: already ended
    assertThat(item.future).isCompletedExceptionally();
    assertThat(count(Outcome.EVICTED_TTL)).isEqualTo(1);
    assertThat(count(Outcome.EVICTED_SHUTDOWN)).isZero();
    assertThat(recorder.events())
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.EVICTED_TTL))
        .satisfies(e -> assertThat(e.queueNanos()).isEqualTo(7));
    assertThat(holders()).as("the lease was released once").isZero();
  }

  @Test
  void anEvictionThatLostToTheCallerDoesNothing() {
    QueuedRequest item = queued();
    item.future.fail(new FlowControlException(Outcome.EVICTED_CANCELLED, "the caller won"));
    endings.evicted(item, Outcome.EVICTED_DISPLACED, "displaced", 3);
    assertThat(count(Outcome.EVICTED_DISPLACED)).isZero();
    assertThat(recorder.events()).isEmpty();
    assertThat(holders()).as("the winner releases the lease, not the loser").isEqualTo(1);
  }

  @Test
  void aDispatchCountsOnceAndKeepsTheLeaseUntilTheAdmissionCloses() {
    QueuedRequest item = queued();
    assertThat(endings.dispatched(item, 5)).isTrue();
    assertThat(endings.dispatched(item, 6)).as("a second dispatch loses").isFalse();
    assertThat(item.future.join().queueWaitNanos()).isEqualTo(5);
    assertThat(count(Outcome.DISPATCHED)).isEqualTo(1);
    assertThat(recorder.dispatched()).containsExactly(item.request);
    assertThat(holders()).as("in flight: the lease is held").isEqualTo(1);
    endings.admissionClosed(item.request, flow);
    assertThat(holders()).isZero();
  }

  @Test
  void aDispatchThatLostToTheCallerCountsNothing() {
    QueuedRequest item = queued();
    item.future.fail(new FlowControlException(Outcome.EVICTED_CANCELLED, "the caller won"));
    assertThat(endings.dispatched(item, 5)).isFalse();
    assertThat(count(Outcome.DISPATCHED)).isZero();
    assertThat(recorder.events()).isEmpty();
  }

  @Test
  void aWithdrawalCountsBeforeItReleases() {
    QueuedRequest item = queued();
    endings.withdrawn(item, 4);
    assertThat(count(Outcome.EVICTED_CANCELLED)).isEqualTo(1);
    assertThat(flow.ended(flow.lease.get())).as("counted, so the collector sees the use").isOne();
    assertThat(holders()).isZero();
  }

  @Test
  void aRejectionFailsTheFutureWithItsReason() {
    QueuedRequest item = queued();
    endings.rejected(item, Outcome.REJECTED_CAPACITY, "global request limit reached");
    assertThat(item.future)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(FlowControlException.class)
        .withMessageContaining("global request limit reached");
    assertThat(count(Outcome.REJECTED_CAPACITY)).isEqualTo(1);
    assertThat(holders()).isZero();
  }

  @Test
  void anUnattributedRejectionIsCountedApart() {
    CompletableFuture<Admission> future =
        endings.rejectUnattributed(FlowRequest.of(flow.key), Outcome.REJECTED_SHUTDOWN, "closed");
    assertThat(future).isCompletedExceptionally();
    assertThat(endings.unattributed.get(Outcome.REJECTED_SHUTDOWN.ordinal())).isEqualTo(1);
    assertThat(count(Outcome.REJECTED_SHUTDOWN)).isZero();
    assertThat(recorder.events())
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.REJECTED_SHUTDOWN));
  }

  @Test
  void aThrowingListenerDoesNotStopTheEnding() {
    Endings failing =
        new Endings(
            new FlowControlListener() {
              @Override
              public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
                throw new IllegalStateException("listener bug");
              }
            });
    QueuedRequest item = queued();
    failing.evicted(item, Outcome.EVICTED_TTL, "deadline passed", 1);
    assertThat(count(Outcome.EVICTED_TTL)).isEqualTo(1);
    assertThat(holders()).isZero();
  }
}
