package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.sim.engine.EngineConfig.SchedulingPolicy;
import dev.sluice.sim.load.GroupStats;
import dev.sluice.sim.load.LoadReport;
import dev.sluice.sim.load.Tenant;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import dev.sluice.sim.testbed.ClosedLoop.Streams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's measurement: premium (2 closed-loop streams) under a batch flood (20 streams), on two
 * backends of 4 slots that queue beyond that, through the gateway with its default detector:
 * premium's TTFT p99 against its p99 alone, (a) with nothing, (b) with gateway preemption for the
 * premium band, (c) with engine priority (backends scheduling by priority, the gateway forwarding
 * each request's priority and sending premium over the slots batch holds).
 *
 * <p>Simulated time runs at {@value #TIME_SCALE}x. Premium alone is measured after (a)'s flood, on
 * a warm JVM. A p99 ratio measures the machine as much as the scheduler on a busy 2-core machine
 * (premium alone has shown a p99 of 1.3 s there, against about 70 ms on a quiet one), so the
 * figures are printed (and quoted in the README) and the assertions compare what one phase measured
 * with what it must not reach: premium's TTFT p90 with gateway preemption below its p90 with
 * nothing; with engine priority premium does not wait in the gateway for a slot batch holds or runs
 * in (its queue wait p90 stays below a tenth of its TTFT p50 alone, its p99 below a fifth of
 * batch's TTFT p50; before the gate knew engine priority the p99 was a batch request's length, over
 * a second) and its TTFT p99 stays below batch's median.
 */
class PreemptionMeasurementTest {

  private static final double TIME_SCALE = 2;
  private static final Duration WARM_UP = Duration.ofSeconds(1);
  private static final int MAX_WARM_UPS = 4;
  private static final Duration PHASE = Duration.ofSeconds(8);
  private static final String YAML =
      """
      server: {port: 0, gracefulShutdown: 1s}
      admin: {port: -1}
      objectives: {premium: 10, batch: -1}
      """;

  // Two output tokens: what is measured is the time to the first, and short requests give the p99
  // about 300 samples per phase, so that it is not set by the two or three slowest.
  private static final Tenant PREMIUM = ClosedLoop.tenant("premium", "premium", 10, 32, 2);
  private static final Tenant BATCH = ClosedLoop.tenant("batch", "batch", -1, 64, 80);

  private record Flood(
      GroupStats premium,
      GroupStats batch,
      long preemptions,
      long enginePreemptions,
      Waits waits,
      @Nullable GroupStats alone,
      @Nullable Waits aloneWaits) {}

  /** Premium's waits in the gateway's queue, in simulated milliseconds, sorted. */
  private record Waits(double[] millis) {
    /** The nearest-rank percentile; NaN if there is no sample. */
    double at(double percentile) {
      if (millis.length == 0) {
        return Double.NaN;
      }
      return millis[Math.max(0, (int) Math.ceil(percentile / 100 * millis.length) - 1)];
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "gateway queue p50/p90/p99/max %.1f/%.1f/%.1f/%.1f ms (%d waited > 0)",
          at(50),
          at(90),
          at(99),
          millis.length == 0 ? Double.NaN : millis[millis.length - 1],
          Arrays.stream(millis).filter(m -> m > 0).count());
    }
  }

  /** Records premium's waits in the gateway's queue. */
  private static final class PremiumWaits implements FlowControlListener {
    private final Queue<Long> nanos = new ConcurrentLinkedQueue<>();

    @Override
    public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
      if (request.flowKey().priority() == 10 && outcome == Outcome.DISPATCHED) {
        nanos.add(queueNanos);
      }
    }

    /** The waits recorded since the last call. */
    Waits drain() {
      List<Long> taken = new ArrayList<>();
      for (Long wait = nanos.poll(); wait != null; wait = nanos.poll()) {
        taken.add(wait);
      }
      return new Waits(taken.stream().mapToDouble(n -> n * TIME_SCALE / 1e6).sorted().toArray());
    }
  }

  /**
   * Runs premium under the flood through a fresh gateway and fresh backends; first premium alone if
   * {@code alone}.
   */
  private static Flood measure(
      SchedulingPolicy policy, boolean enginePriority, String flowControl, boolean alone) {
    List<SimulatorServer> backends = ClosedLoop.startBackends(2, TIME_SCALE, policy);
    try {
      GatewayConfig config =
          GatewayConfig.parse(YAML + flowControl)
              .withBackends(
                  ClosedLoop.urls(backends).stream()
                      .map(uri -> new Backend(uri, "/metrics", enginePriority))
                      .toList());
      PremiumWaits waits = new PremiumWaits();
      Gateway gateway = Gateway.builder(config).listener(waits).build().start();
      try {
        warmUp(gateway);
        waits.drain();
        long enginePreemptionsBefore = enginePreemptions(backends);
        Map<String, LoadReport> run =
            ClosedLoop.run(
                gateway.port(),
                PHASE,
                TIME_SCALE,
                List.of(new Streams(PREMIUM, 2), new Streams(BATCH, 20)));
        long enginePreemptionsDuring = enginePreemptions(backends) - enginePreemptionsBefore;
        Waits floodWaits = waits.drain();
        // Alone after the flood, not before: the first phase of the run also warms the JIT, and a
        // baseline measured on a cold JVM has a p99 that flatters every ratio.
        GroupStats premiumAlone =
            alone
                ? ClosedLoop.run(
                        gateway.port(), PHASE, TIME_SCALE, List.of(new Streams(PREMIUM, 2)))
                    .get("premium")
                    .total()
                : null;
        return new Flood(
            run.get("premium").total(),
            run.get("batch").total(),
            gateway.preemptions().count(10),
            enginePreemptionsDuring,
            floodWaits,
            premiumAlone,
            alone ? waits.drain() : null);
      } finally {
        gateway.closeAsync();
      }
    } finally {
      // Not joined: as GatewayFixture.stopWithoutWaiting.
      backends.forEach(SimulatorServer::closeAsync);
    }
  }

  /**
   * Batch load above the slots until the gateway has learned every backend's slots (a few rounds at
   * most): a flood that starts while the estimate is still growing overshoots it, and in a FIFO
   * engine premium then waits behind the batch requests queued there for seconds.
   */
  private static void warmUp(Gateway gateway) {
    for (int round = 0; round < MAX_WARM_UPS; round++) {
      ClosedLoop.run(gateway.port(), WARM_UP, TIME_SCALE, List.of(new Streams(BATCH, 12)));
      if (gateway.pool().endpoints().stream().allMatch(e -> e.learnedSlots() == ClosedLoop.SLOTS)) {
        return;
      }
    }
  }

  private static long enginePreemptions(List<SimulatorServer> backends) {
    return backends.stream().mapToLong(b -> b.engine().metrics().preemptions()).sum();
  }

  @Test
  void preemptionKeepsPremiumTimeToFirstTokenNearItsUnloadedValueUnderABatchFlood() {
    Flood none = measure(SchedulingPolicy.FCFS, false, "", true);
    Flood preempt =
        measure(
            SchedulingPolicy.FCFS,
            false,
            "flowControl: {bands: [{priority: 10, preempt: true}]}\n",
            false);
    Flood engine = measure(SchedulingPolicy.PRIORITY, true, "", false);

    GroupStats alone = Objects.requireNonNull(none.alone(), "measured first");
    StringBuilder figures =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "premium alone: TTFT p50/p90/p99 %.1f/%.1f/%.1f ms (%d requests), %s%n",
                alone.ttftMs().p50(),
                alone.ttftMs().p90(),
                alone.ttftMs().p99(),
                alone.succeeded(),
                Objects.requireNonNull(none.aloneWaits()).describe()));
    for (Map.Entry<String, Flood> entry :
        List.of(
            Map.entry("(a) nothing", none),
            Map.entry("(b) preemption", preempt),
            Map.entry("(c) engine priority", engine))) {
      Flood flood = entry.getValue();
      figures.append(
          String.format(
              Locale.ROOT,
              "%s: premium TTFT p50/p90/p99 %.1f/%.1f/%.1f ms, p99 %.2fx, p90 %.2fx"
                  + " (%d premium, %d batch with TTFT p50 %.1f ms, %d preemptions, %d in the"
                  + " engines), %s%n",
              entry.getKey(),
              flood.premium().ttftMs().p50(),
              flood.premium().ttftMs().p90(),
              flood.premium().ttftMs().p99(),
              flood.premium().ttftMs().p99() / alone.ttftMs().p99(),
              flood.premium().ttftMs().p90() / alone.ttftMs().p90(),
              flood.premium().succeeded(),
              flood.batch().succeeded(),
              flood.batch().ttftMs().p50(),
              flood.preemptions(),
              flood.enginePreemptions(),
              flood.waits().describe()));
    }
    System.out.print(figures);

    assertThat(none.preemptions()).as("off by default").isZero();
    assertThat(engine.preemptions()).as("off by default").isZero();
    for (Flood flood : List.of(none, preempt, engine)) {
      assertThat(flood.premium().rejected503() + flood.premium().rejected429())
          .as("premium refused\n%s", figures)
          .isZero();
      assertThat(flood.premium().succeeded()).as("premium served\n%s", figures).isPositive();
    }
    // A percentile needs samples: a machine so loaded that a phase serves a handful of requests
    // says nothing about scheduling, so they are checked only when every phase had enough.
    // (a) is only the contrast: without priority in the engine or preemption, premium may serve
    // few.
    int fewest =
        List.of(alone, preempt.premium(), engine.premium()).stream()
            .mapToInt(GroupStats::succeeded)
            .min()
            .orElseThrow();
    Assumptions.assumeTrue(
        fewest >= 40,
        "too few premium requests for percentiles on this machine (" + fewest + ")\n" + figures);
    // Gateway preemption takes back only a request that has not streamed, and its slot goes to
    // premium; what remains of premium's tail is mostly after dispatch (its gateway queue p90 is
    // about zero while its TTFT p90 has reached 2.9x alone on a loaded machine), in a FIFO engine
    // whose queue holds batch. So what it must do is beat doing nothing.
    assertThat(preempt.premium().ttftMs().p90())
        .as("premium TTFT p90 under the flood, with preemption vs with nothing\n%s", figures)
        .isLessThan(none.premium().ttftMs().p90());
    // Without engine priority a premium request that finds the slots taken waits in the gateway
    // for a batch request to end (about half of batch's TTFT p50 here); with it, it goes on to the
    // engine, and takes a slot held for batch rather than wait for the hold to end. What still
    // waits is a late scrape of a loaded machine (an endpoint with stale metrics gets no work), a
    // few requests in a hundred at most: p90 against a tenth of premium's own TTFT, p99 against a
    // fifth of a batch request.
    assertThat(engine.waits().at(90))
        .as(
            "engine priority: premium gateway queue p90 vs a tenth of its TTFT p50 alone\n%s",
            figures)
        .isLessThan(alone.ttftMs().p50() / 10);
    assertThat(engine.waits().at(99))
        .as(
            "engine priority: premium gateway queue p99 vs a fifth of batch's TTFT p50\n%s",
            figures)
        .isLessThan(engine.batch().ttftMs().p50() / 5);
    assertThat(engine.premium().ttftMs().p99())
        .as("engine priority: premium TTFT p99 vs batch TTFT p50\n%s", figures)
        .isLessThan(engine.batch().ttftMs().p50());
  }
}
