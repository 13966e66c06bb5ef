package dev.sluice.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Builds a {@link FlowStats} from the live counters without taking any lock: flows are summed into
 * their bands and bands into the totals. Counters of collected flows live on in their band, and
 * those of collected bands in the controller's unattributed totals. The outcome counts are exact
 * only if no collection moved counts during the call: the caller makes sure of that (see {@link
 * DefaultFlowController#stats()}).
 */
final class StatsSnapshot {
  private static final Outcome[] OUTCOMES = Outcome.values();

  private StatsSnapshot() {}

  static FlowStats take(
      Collection<Band> bands, Collection<Flow> flows, AtomicLongArray unattributed, int shards) {
    Map<Integer, BandAccumulator> byPriority = new HashMap<>();
    for (Band band : bands) {
      byPriority.put(band.priority, new BandAccumulator(band));
    }
    for (Flow flow : flows) {
      long queued = 0;
      long bytes = 0;
      for (FlowShard flowShard : flow.shards) {
        queued += flowShard.queuedRequests;
        bytes += flowShard.queuedBytes;
      }
      // Lease holders that are not queued are in flight (or, for an instant, being placed or
      // finished; a dispatch on arrival is seen from the instant it is counted, just after its
      // detector grant): the hot path keeps no separate in-flight counter.
      long inFlight = Math.max(0, Flow.holders(flow.lease.get()) - queued);
      long[] outcomes = flow.readOutcomes();
      BandAccumulator band =
          byPriority.computeIfAbsent(flow.band.priority, p -> new BandAccumulator(flow.band));
      band.add(
          new FlowStats.FlowEntry(flow.key, queued, bytes, inFlight, toMap(outcomes)), outcomes);
    }
    long[] total = read(unattributed);
    long queued = 0;
    long bytes = 0;
    long inFlight = 0;
    List<FlowStats.BandStats> bandStats = new ArrayList<>();
    for (BandAccumulator band : byPriority.values()) {
      FlowStats.BandStats stats = band.toStats();
      bandStats.add(stats);
      queued += stats.queuedRequests();
      bytes += stats.queuedBytes();
      inFlight += stats.inFlightRequests();
      for (int i = 0; i < total.length; i++) {
        total[i] += band.outcomes[i];
      }
    }
    bandStats.sort((a, b) -> Integer.compare(b.priority(), a.priority()));
    return new FlowStats(queued, bytes, inFlight, toMap(total), shards, bandStats);
  }

  private static final class BandAccumulator {
    final Band band;
    final long[] outcomes;
    final Map<String, FlowStats.FlowEntry> flows = new HashMap<>();
    long queued;
    long bytes;
    long inFlight;

    BandAccumulator(Band band) {
      this.band = band;
      this.outcomes = read(band.retiredOutcomes);
    }

    void add(FlowStats.FlowEntry flow, long[] flowOutcomes) {
      flows.put(flow.key().id(), flow);
      queued += flow.queuedRequests();
      bytes += flow.queuedBytes();
      inFlight += flow.inFlightRequests();
      for (int i = 0; i < outcomes.length; i++) {
        outcomes[i] += flowOutcomes[i];
      }
    }

    FlowStats.BandStats toStats() {
      return new FlowStats.BandStats(
          band.priority, band.dynamic, queued, bytes, inFlight, toMap(outcomes), flows);
    }
  }

  private static long[] read(AtomicLongArray array) {
    long[] values = new long[array.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i);
    }
    return values;
  }

  private static Map<Outcome, Long> toMap(long[] counts) {
    Map<Outcome, Long> map = new EnumMap<>(Outcome.class);
    for (Outcome outcome : OUTCOMES) {
      map.put(outcome, counts[outcome.ordinal()]);
    }
    return map;
  }
}
