package dev.sluice.bench.jmh;

import dev.sluice.pipeline.ItemLease;
import dev.sluice.pipeline.LeaseBatch;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.PipelineStore;
import dev.sluice.pipeline.ResultLease;
import dev.sluice.pipeline.ResultRef;
import dev.sluice.pipeline.WorkItem;
import dev.sluice.pipeline.store.SqliteStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One item through the pipeline's control plane: a producer leases it, commits its result, a
 * consumer leases the result and acks it (four calls, four journal writes with a durable store).
 * Items are added 1 024 at a time, in one call, whenever a producer finds none (the add is part of
 * the measured time, about one call in 1 025). Run with {@code -t 1} and {@code -t 2}: the threads
 * share one pipeline, each is a producer and a consumer.
 *
 * <p>{@code store}: {@code memory}; {@code sqlite-normal} and {@code sqlite-full}, an SQLite file
 * in WAL mode in the temporary directory with {@code synchronous=NORMAL} or {@code FULL}. A fresh
 * pipeline (and file) per iteration, so the in-memory item table does not grow across iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PipelineBenchmark {
  private static final int ADD_BATCH = 1024;

  @Param({"memory", "sqlite-normal", "sqlite-full"})
  public String store;

  private Path dir;
  private Pipeline pipeline;
  private final AtomicLong ids = new AtomicLong();

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("sluice-pipeline-bench");
    PipelineStore backing =
        switch (store) {
          case "memory" -> PipelineStore.memory();
          case "sqlite-normal" ->
              SqliteStore.open(dir.resolve("p.db"), SqliteStore.Synchronous.NORMAL);
          case "sqlite-full" -> SqliteStore.open(dir.resolve("p.db"), SqliteStore.Synchronous.FULL);
          default ->
              throw new IllegalArgumentException(
                  "store: " + store + " (expected: one of memory, sqlite-normal, sqlite-full)");
        };
    pipeline = Pipeline.create(PipelineConfig.builder().build(), backing);
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    pipeline.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(PipelineBenchmark::delete);
    }
  }

  /** The thread's ids as a producer and a consumer. */
  @State(Scope.Thread)
  public static class Worker {
    final String name = "w-" + Thread.currentThread().getId();
  }

  @Benchmark
  public void leaseCommitLeaseAck(Worker worker) {
    LeaseBatch batch = pipeline.lease(worker.name, 1);
    while (batch.isEmpty()) {
      addItems();
      batch = pipeline.lease(worker.name, 1);
    }
    ItemLease lease = batch.leases().get(0);
    pipeline.commit(worker.name, lease.leaseId(), new ResultRef("mem://" + lease.itemId(), 4096));
    List<ResultLease> results = pipeline.leaseResults(worker.name, 1);
    // With two threads the other may have taken the result just committed; then there is another.
    if (!results.isEmpty()) {
      pipeline.ack(worker.name, results.get(0).leaseId());
    }
  }

  private void addItems() {
    List<WorkItem> items = new ArrayList<>(ADD_BATCH);
    for (int i = 0; i < ADD_BATCH; i++) {
      items.add(new WorkItem("item-" + ids.incrementAndGet(), "prompt"));
    }
    pipeline.add(items);
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
