package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pipeline.PipelineException.Reason;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the engine writes through its store, and that a failed write stops it. */
class PipelineStoreFailureTest {

  final ManualClock clock = new ManualClock();

  /** Records every batch; fails writes once told to. */
  static final class RecordingStore implements PipelineStore {
    final List<List<StoredItem>> batches = new ArrayList<>();
    boolean failing;
    boolean closed;

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public Recovered recover() {
      return new Recovered(7, List.of());
    }

    @Override
    public void write(List<StoredItem> changes) {
      if (failing) {
        throw new PipelineStoreException("store test: cannot write (disk full)", new Exception());
      }
      batches.add(List.copyOf(changes));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  Pipeline create(RecordingStore store) {
    return Pipeline.create(PipelineConfig.builder().ticker(clock).scheduler(clock).build(), store);
  }

  @Test
  void eachCallWritesOneBatchWithTheFinalStateOfEachItemItTouched() {
    RecordingStore store = new RecordingStore();
    try (Pipeline p = create(store)) {
      p.add(List.of(new WorkItem("a", "x"), new WorkItem("b", "y")));
      ItemLease lease = p.lease("w", 2).leases().get(0);
      assertThat(lease.leaseId()).isEqualTo("p-7-1"); // carries the store's epoch
      p.commit("w", lease.leaseId(), new ResultRef("mem://a", 10));
      p.ack("c", p.leaseResults("c", 1).get(0).leaseId());
      p.leaseResults("c", 1); // nothing changes for items: nothing written
    }
    assertThat(store.closed).isTrue();
    assertThat(store.batches).hasSize(4); // recovery wrote nothing (an empty batch is skipped)
    assertThat(store.batches.get(0))
        .extracting(StoredItem::id, StoredItem::state, StoredItem::seq)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", ItemState.PENDING, 1L),
            org.assertj.core.groups.Tuple.tuple("b", ItemState.PENDING, 2L));
    assertThat(store.batches.get(1)).extracting(StoredItem::state).containsOnly(ItemState.LEASED);
    assertThat(store.batches.get(2).get(0).ref()).isEqualTo("mem://a");
    assertThat(store.batches.get(3).get(0).state()).isEqualTo(ItemState.ACKED);
  }

  @Test
  void aFailedWriteStopsThePipeline() {
    RecordingStore store = new RecordingStore();
    Pipeline p = create(store);
    p.add(List.of(new WorkItem("a", "x")));
    CompletableFuture<List<ResultLease>> waiting =
        p.leaseResultsAsync("c", 1, Duration.ofSeconds(30));
    store.failing = true;
    assertThatThrownBy(() -> p.lease("w", 1))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.STORE_FAILED);
              assertThat(e).hasMessageContaining("disk full").hasMessageContaining("restart");
            });
    clock.advance(Duration.ZERO); // runs the release the failure scheduled
    assertThat(waiting).isCompletedExceptionally();
    assertThat(store.closed).isTrue();
    assertThatThrownBy(() -> p.add(List.of(new WorkItem("b", "y"))))
        .isInstanceOfSatisfying(
            PipelineException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    p.close();
  }
}
