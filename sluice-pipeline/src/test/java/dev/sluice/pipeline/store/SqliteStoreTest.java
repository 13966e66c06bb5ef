package dev.sluice.pipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.sluice.pipeline.ItemLease;
import dev.sluice.pipeline.ItemState;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.PipelineException;
import dev.sluice.pipeline.PipelineException.Reason;
import dev.sluice.pipeline.PipelineStatus;
import dev.sluice.pipeline.PipelineStoreException;
import dev.sluice.pipeline.ResultLease;
import dev.sluice.pipeline.ResultRef;
import dev.sluice.pipeline.WorkItem;
import dev.sluice.pipeline.http.HttpSettings;
import dev.sluice.pipeline.http.PipelineServer;
import dev.sluice.pipeline.store.SqliteStore.Synchronous;
import dev.sluice.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on an SQLite file: what a restart keeps, returns and re-accounts. */
class SqliteStoreTest {

  final ManualClock clock = new ManualClock();

  Pipeline open(Path file) {
    PipelineConfig config =
        PipelineConfig.builder()
            .watermarks(100, 200)
            .maxResidentBytes(1000)
            .ticker(clock)
            .scheduler(clock)
            .build();
    return Pipeline.create(config, SqliteStore.open(file, Synchronous.FULL));
  }

  static List<WorkItem> items(String... ids) {
    return java.util.Arrays.stream(ids).map(id -> new WorkItem(id, "prompt " + id)).toList();
  }

  @Test
  void restartKeepsAckedWorkReturnsLeasedWorkAndReaccountsCommittedBytes(@TempDir Path dir) {
    Path file = dir.resolve("pipeline.db");
    String oldLease;
    try (Pipeline before = open(file)) {
      assertThat(before.durable()).isTrue();
      before.add(items("a", "b", "c", "d"));
      List<ItemLease> leased = before.lease("w1", 3).leases(); // a, b, c
      before.commit("w1", leased.get(0).leaseId(), new ResultRef("mem://a", 120));
      before.commit("w1", leased.get(1).leaseId(), new ResultRef("mem://b", 150));
      oldLease = leased.get(2).leaseId(); // c stays leased
      ResultLease first = before.leaseResults("consumer", 1).get(0);
      assertThat(first.itemId()).isEqualTo("a");
      before.ack("consumer", first.leaseId());
      PipelineStatus s = before.status();
      assertThat(s.residentBytes()).isEqualTo(150);
      assertThat(s.acked()).isEqualTo(1);
    }

    try (Pipeline after = open(file)) {
      PipelineStatus s = after.status();
      assertThat(s.added()).isEqualTo(4);
      assertThat(s.acked()).isEqualTo(1);
      assertThat(s.committed()).isEqualTo(2);
      assertThat(s.backlog()).isEqualTo(1);
      assertThat(s.leased()).isZero();
      assertThat(s.pending()).isEqualTo(2); // c (was leased) and d
      assertThat(s.residentBytes()).isEqualTo(150); // b's result, re-accounted
      assertThat(s.backpressure().levels()).containsEntry("bytes", 150L);
      assertThat(after.item("a").orElseThrow().state()).isEqualTo(ItemState.ACKED);
      assertThat(after.item("b").orElseThrow().state()).isEqualTo(ItemState.COMMITTED);
      assertThat(after.item("c").orElseThrow().state()).isEqualTo(ItemState.PENDING);
      assertThat(after.item("c").orElseThrow().attempts()).isZero(); // the restart gave it back

      // An acked item is not added again; a lease from before the restart is unknown.
      assertThat(after.add(items("a")).duplicates()).isEqualTo(1);
      assertThatThrownBy(() -> after.commit("w1", oldLease, new ResultRef("mem://c", 1)))
          .isInstanceOfSatisfying(
              PipelineException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_LEASE));

      // The held result is delivered again; the pending items lease in the order they were added.
      ResultLease b = after.leaseResults("consumer", 5).get(0);
      assertThat(b.itemId()).isEqualTo("b");
      assertThat(b.ref()).isEqualTo("mem://b");
      assertThat(b.bytes()).isEqualTo(150);
      assertThat(after.lease("w2", 5).leases())
          .extracting(ItemLease::itemId)
          .containsExactly("c", "d");
      after.ack("consumer", b.leaseId());
      assertThat(after.status().residentBytes()).isZero();
    }

    try (Pipeline third = open(file)) {
      PipelineStatus s = third.status();
      assertThat(s.acked()).isEqualTo(2);
      assertThat(s.residentBytes()).isZero();
      assertThat(s.pending()).isEqualTo(2);
    }
  }

  @Test
  void committedBytesOverTheWatermarkPauseProducersAfterRestart(@TempDir Path dir) {
    Path file = dir.resolve("p.db");
    try (Pipeline before = open(file)) {
      before.add(items("a", "b", "c"));
      ItemLease a = before.lease("w", 1).leases().get(0);
      before.commit("w", a.leaseId(), new ResultRef("mem://a", 250));
      assertThat(before.status().paused()).isTrue();
    }
    try (Pipeline after = open(file)) {
      assertThat(after.status().residentBytes()).isEqualTo(250);
      assertThat(after.status().paused()).isTrue();
      assertThat(after.lease("w", 1).paused()).isTrue();
      ResultLease held = after.leaseResults("c", 1).get(0);
      after.ack("c", held.leaseId());
      assertThat(after.status().paused()).isFalse();
      assertThat(after.lease("w", 1).leases()).hasSize(1);
    }
  }

  @Test
  void failedItemsStayFailed(@TempDir Path dir) {
    Path file = dir.resolve("p.db");
    try (Pipeline before = open(file)) {
      before.add(items("a"));
      ItemLease a = before.lease("w", 1).leases().get(0);
      before.fail("w", a.leaseId(), "bad prompt", false);
    }
    try (Pipeline after = open(file)) {
      assertThat(after.status().failed()).isEqualTo(1);
      assertThat(after.item("a").orElseThrow().lastError()).isEqualTo("bad prompt");
      assertThat(after.lease("w", 1).leases()).isEmpty();
    }
  }

  @Test
  void aCorruptFileIsAClearErrorAtStartup(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("corrupt.db");
    Files.writeString(
        file, "this is not an SQLite database, just text that is long enough. ".repeat(20));
    assertThatThrownBy(() -> open(file))
        .isInstanceOf(PipelineStoreException.class)
        .hasMessageContaining("store " + file + ": cannot open")
        .hasMessageContaining("not a database");
  }

  @Test
  void anUnwritablePathIsAClearErrorAtStartup(@TempDir Path dir) {
    Path file = dir.resolve("no-such-dir").resolve("p.db");
    assertThatThrownBy(() -> open(file))
        .isInstanceOf(PipelineStoreException.class)
        .hasMessageContaining("store " + file + ": cannot open");
  }

  @Test
  void normalSynchronousKeepsStateToo(@TempDir Path dir) {
    Path file = dir.resolve("n.db");
    PipelineConfig config = PipelineConfig.builder().ticker(clock).scheduler(clock).build();
    try (Pipeline p = Pipeline.create(config, SqliteStore.open(file, Synchronous.NORMAL))) {
      p.add(items("a", "b"));
    }
    try (Pipeline p = Pipeline.create(config, SqliteStore.open(file, Synchronous.NORMAL))) {
      assertThat(p.status().pending()).isEqualTo(2);
    }
  }

  @Test
  void theHttpApiServesADurablePipelineOffTheEventLoop(@TempDir Path dir) {
    Path file = dir.resolve("http.db");
    try (Pipeline pipeline = open(file);
        PipelineServer server = PipelineServer.start(pipeline, HttpSettings.loopback())) {
      WebClient client = WebClient.of("http://127.0.0.1:" + server.port());
      AggregatedHttpResponse added =
          client
              .prepare()
              .post("/v1/items")
              .content(MediaType.JSON_UTF_8, "{\"items\":[{\"id\":\"a\",\"payload\":\"x\"}]}")
              .execute()
              .aggregate()
              .join();
      assertThat(added.status().code()).isEqualTo(200);
      AggregatedHttpResponse leased =
          client
              .prepare()
              .post("/v1/leases")
              .content(MediaType.JSON_UTF_8, "{\"worker\":\"w\"}")
              .execute()
              .aggregate()
              .join();
      assertThat(leased.contentUtf8()).contains("\"leaseId\":\"p-1-1\"");
    }
    try (Pipeline after = open(file)) {
      assertThat(after.item("a").orElseThrow().state()).isEqualTo(ItemState.PENDING);
    }
  }

  /** The README's durable example, with a fake clock. */
  @Test
  void readmeDurableExample(@TempDir Path dir) {
    PipelineConfig config = PipelineConfig.builder().ticker(clock).scheduler(clock).build();
    Pipeline pipeline =
        Pipeline.create(
            config, SqliteStore.open(dir.resolve("pipeline.db"), SqliteStore.Synchronous.FULL));
    pipeline.add(items("p1"));
    pipeline.close();
    assertThat(
            Pipeline.create(
                    config,
                    SqliteStore.open(dir.resolve("pipeline.db"), SqliteStore.Synchronous.FULL))
                .status()
                .pending())
        .isEqualTo(1);
  }
}
