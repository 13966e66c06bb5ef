package dev.sluice.bench.harness;

import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The controller and request stream of GIE's saturated performance matrix, shared by the benchmarks
 * that drive it: {@code bands} bands without queue limits, {@code shards} shards, a {@link
 * SlotDetector} with {@code limit} slots; {@code flows} flows, flow {@code i} in band {@code i %
 * bands}, request sizes 100 B to 9 KB by Knuth's multiplicative hash (as GIE's), and flows drawn
 * from Zipf(s = 1.1, seed 1).
 */
public final class SaturatedWorkload {
  private static final int SAMPLES = 1 << 20;

  private final FlowController controller;
  private final FlowRequest[] requests;
  private final int[] flowSamples;

  /** Builds the controller and the request stream. */
  public SaturatedWorkload(int limit, int bands, int flows, int shards) {
    this(limit, bands, flows, shards, null, UnaryOperator.identity());
  }

  /**
   * Builds the controller and the request stream, every request with {@code ttl} (null: none),
   * after {@code configure} has had its say on the controller's configuration (a clock, say).
   */
  public SaturatedWorkload(
      int limit,
      int bands,
      int flows,
      int shards,
      @Nullable Duration ttl,
      UnaryOperator<FlowControllerConfig.Builder> configure) {
    List<BandConfig> bandConfigs = new ArrayList<>();
    for (int priority = 0; priority < bands; priority++) {
      bandConfigs.add(BandConfig.builder(priority).maxRequests(0).maxBytes(0).build());
    }
    controller =
        FlowController.create(
            configure
                .apply(
                    FlowControllerConfig.builder()
                        .bands(bandConfigs)
                        .shards(shards)
                        .saturationDetector(new SlotDetector(limit))
                        .scheduler(new ManualClock())) // never advanced: no timer runs
                .build());
    requests = new FlowRequest[flows];
    for (int i = 0; i < flows; i++) {
      long size = 100 + ((i * 2654435761L) & 0xFFFFFFFFL) % 9_000;
      requests[i] =
          FlowRequest.builder(FlowKey.of("flow-" + i, i % bands)).byteSize(size).ttl(ttl).build();
    }
    flowSamples = new Zipf(flows, 1.1).samples(SAMPLES, 1);
  }

  /** The controller under test. */
  public FlowController controller() {
    return controller;
  }

  /** The {@code sequence}-th request of the stream (the stream repeats after 2^20 requests). */
  public FlowRequest request(int sequence) {
    return requests[flowSamples[sequence & (SAMPLES - 1)]];
  }

  /**
   * Where a thread starts in the stream so that {@code threads} threads draw disjoint stretches.
   */
  public static int start(int thread, int threads) {
    return (int) ((long) SAMPLES * thread / threads);
  }
}
