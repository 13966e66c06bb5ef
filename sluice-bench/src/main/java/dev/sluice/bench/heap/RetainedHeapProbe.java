package dev.sluice.bench.heap;

import dev.sluice.flow.Admission;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Retained heap per queued request: queue {@code N} requests behind a closed gate and compare the
 * used heap after a forced GC before and after. Everything the caller creates beforehand (the
 * {@link FlowRequest}s, the flow keys, the array that will hold the futures) is in the baseline, so
 * the difference is what queueing costs: the controller's record, the returned future, queue nodes,
 * deadline-heap slots, per-flow state. The payload is {@code null}. The size of a {@link
 * FlowRequest} itself is measured separately and reported beside it.
 *
 * <p>Run in its own JVM: {@code java -cp benchmarks.jar dev.sluice.bench.heap.RetainedHeapProbe
 * [requests] [flows]}.
 */
public final class RetainedHeapProbe {

  /** One variant of the measurement. */
  public enum Variant {
    /** FCFS in a {@code list} queue, no deadline. */
    LIST_NO_TTL,
    /** FCFS in a {@code list} queue, every request with a TTL (so also in the deadline heap). */
    LIST_TTL,
    /** EDF in a {@code max-min-heap} queue, every request with a TTL. */
    HEAP_TTL
  }

  /** The result of one measurement. */
  public record Result(
      Variant variant,
      int requests,
      int flows,
      double bytesPerRequest,
      double flowRequestBytes,
      long queued) {}

  private RetainedHeapProbe() {}

  public static void main(String[] args) {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int flows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    System.out.printf(
        Locale.ROOT,
        "%-12s %10s %7s %18s %22s%n",
        "variant",
        "requests",
        "flows",
        "bytes/queued req",
        "FlowRequest bytes");
    for (Variant variant : Variant.values()) {
      Result result = measure(variant, requests, flows);
      System.out.printf(
          Locale.ROOT,
          "%-12s %10d %7d %18.1f %22.1f%n",
          variant,
          result.requests(),
          result.flows(),
          result.bytesPerRequest(),
          result.flowRequestBytes());
    }
  }

  /**
   * Queues {@code requests} requests over {@code flows} flows and measures the heap they retain.
   */
  public static Result measure(Variant variant, int requests, int flows) {
    Duration ttl = variant == Variant.LIST_NO_TTL ? null : Duration.ofHours(1);
    BandConfig.Builder band = BandConfig.builder(0).maxRequests(0).maxBytes(0);
    if (variant == Variant.HEAP_TTL) {
      band.ordering(OrderingPolicy.edf());
    }
    FlowKey[] keys = new FlowKey[flows];
    for (int i = 0; i < flows; i++) {
      keys[i] = FlowKey.of("flow-" + i);
    }
    long beforeRequests = usedHeap();
    FlowRequest[] batch = new FlowRequest[requests];
    for (int i = 0; i < requests; i++) {
      batch[i] = FlowRequest.builder(keys[i % flows]).byteSize(1_000).ttl(ttl).build();
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<Admission>[] futures = new CompletableFuture[requests];
    long afterRequests = usedHeap();
    double flowRequestBytes =
        (afterRequests - beforeRequests - arrayBytes(requests) * 2.0) / requests;

    FlowController controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .bands(band.build())
                .saturationDetector(ClosedGate.INSTANCE)
                .scheduler(new ManualClock()) // never advanced: no timer runs
                .build());
    for (FlowKey key : keys) { // create every flow first: per-flow state is not per-request
      controller.submit(FlowRequest.of(key)).cancel(false);
    }
    long before = usedHeap();
    for (int i = 0; i < requests; i++) {
      futures[i] = controller.submit(batch[i]);
    }
    long after = usedHeap();
    FlowStats stats = controller.stats();
    if (stats.queuedRequests() != requests) {
      throw new IllegalStateException(
          "expected " + requests + " queued, found " + stats.queuedRequests());
    }
    Result result =
        new Result(
            variant,
            requests,
            flows,
            (double) (after - before) / requests,
            flowRequestBytes,
            stats.queuedRequests());
    controller.close();
    for (CompletableFuture<Admission> future : futures) {
      if (!future.isCompletedExceptionally()) {
        throw new IllegalStateException("a queued request was not evicted at shutdown");
      }
    }
    return result;
  }

  private static long arrayBytes(int length) {
    return 16L + 4L * length; // compressed references
  }

  private static long usedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** A gate that is always shut, so every request queues. */
  private enum ClosedGate implements SaturationDetector {
    INSTANCE;

    @Override
    public double saturation() {
      return 1.0;
    }
  }
}
