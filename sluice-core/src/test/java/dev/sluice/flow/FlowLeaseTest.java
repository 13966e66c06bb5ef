package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The flow's lease word: a lease taken with a dispatch counted in the same step, and the fold that
 * moves those counts to the outcome counters. Folds are made frequent with a tiny threshold.
 */
class FlowLeaseTest {
  private static final int DISPATCHED = Outcome.DISPATCHED.ordinal();

  @Test
  void dispatchesOnArrivalAreCountedOnceAcrossFolds() {
    Flow flow = new Flow(null, FlowKey.of("a"), null, 3);

    for (int i = 0; i < 10; i++) {
      assertThat(flow.tryAcquireDispatched()).isTrue();
    }

    long word = flow.lease.get();
    assertThat(Flow.holders(word)).isEqualTo(10);
    assertThat(flow.outcomes.get(DISPATCHED))
        .isEqualTo(9); // three folds, each of the three counted
    assertThat(Flow.dispatchedOnArrival(word)).isEqualTo(1);
    assertThat(flow.readOutcomes()[DISPATCHED]).isEqualTo(10);
    assertThat(flow.ended(word)).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      flow.release();
    }
    assertThat(Flow.holders(flow.lease.get())).isZero();
    assertThat(flow.readOutcomes()[DISPATCHED]).isEqualTo(10);
  }

  @Test
  void aPlainLeaseCountsNothing() {
    Flow flow = new Flow(null, FlowKey.of("a"), null);

    assertThat(flow.tryAcquire()).isTrue();

    assertThat(Flow.holders(flow.lease.get())).isEqualTo(1);
    assertThat(flow.readOutcomes()).containsOnly(0L);
  }

  @Test
  void aCollectedFlowIsNeitherLeasedNorCounted() {
    Flow flow = new Flow(null, FlowKey.of("a"), null, 3);
    assertThat(flow.lease.compareAndSet(0, Flow.TOMBSTONE)).isTrue();

    assertThat(flow.tryAcquireDispatched()).isFalse();
    assertThat(flow.tryAcquire()).isFalse();

    assertThat(flow.lease.get()).isEqualTo(Flow.TOMBSTONE);
    assertThat(flow.readOutcomes()).containsOnly(0L);
  }

  @Test
  void aFlowUsedAndGivenBackSinceTheCollectorLookedIsNotCollected() {
    Flow flow = new Flow(null, FlowKey.of("a"), null);
    long word = flow.lease.get();
    long ended = flow.ended(word);

    // A queued request comes and goes between the collector's read and its swap: the word is the
    // same again, only the ended count tells.
    assertThat(flow.tryAcquire()).isTrue();
    flow.outcomes.incrementAndGet(Outcome.REJECTED_CAPACITY.ordinal());
    flow.release();
    assertThat(flow.lease.get()).isEqualTo(word);

    assertThat(flow.tryTombstone(word, ended)).isFalse();
    assertThat(flow.lease.get()).as("swap undone").isEqualTo(word);
    assertThat(flow.tryAcquire()).isTrue();
    flow.release();

    long idle = flow.lease.get();
    assertThat(flow.tryTombstone(idle, flow.ended(idle))).as("idle since the read").isTrue();
    assertThat(flow.tryAcquire()).isFalse();
  }

  @Test
  void aThresholdOutsideTheWordIsRefused() {
    FlowKey key = FlowKey.of("a");
    assertThatThrownBy(() -> new Flow(null, key, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("foldAt: 0");
    assertThatThrownBy(() -> new Flow(null, key, null, Flow.FOLD_AT + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("foldAt: " + (Flow.FOLD_AT + 1));
  }

  /**
   * Two threads dispatch and close as fast as they can, folding every second dispatch, while a
   * reader takes counts: a reader that saw a fold half done would count its dispatches twice or not
   * at all, and the count would go backwards. At the end nothing is lost or counted twice.
   */
  @Test
  @Timeout(60)
  void aReaderNeverSeesAFoldHalfDone() throws InterruptedException {
    int perThread = 200_000;
    Flow flow = new Flow(null, FlowKey.of("a"), null, 2);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> problem = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      writers.add(
          new Thread(
              () -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                  if (!flow.tryAcquireDispatched()) {
                    problem.compareAndSet(null, "a live flow refused a lease");
                    return;
                  }
                  flow.release();
                }
              }));
    }
    Thread reader =
        new Thread(
            () -> {
              await(start);
              long last = 0;
              long reads = 0;
              while (writing.get() || reads == 0) {
                long seen = flow.readOutcomes()[DISPATCHED];
                reads++;
                if (seen < last || seen > 2L * perThread) {
                  problem.compareAndSet(
                      null, "read " + seen + " after " + last + " (read " + reads + ")");
                  return;
                }
                last = seen;
              }
            });
    writers.forEach(Thread::start);
    reader.start();
    start.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    writing.set(false);
    reader.join();

    assertThat(problem.get()).isNull();
    long word = flow.lease.get();
    assertThat(Flow.holders(word)).isZero();
    assertThat(flow.readOutcomes()[DISPATCHED]).isEqualTo(2L * perThread);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
