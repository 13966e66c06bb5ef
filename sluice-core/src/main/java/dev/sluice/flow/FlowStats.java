package dev.sluice.flow;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the controller's counters: global, per band and per flow.
 *
 * <p>Immutable. Taking it never blocks dispatch. The gauges (queued requests and bytes, in flight)
 * are weakly consistent: each was true at some moment during the call, but gauges read at different
 * moments may disagree by the work that moved in between.
 *
 * <p>The outcome counts are exact, also while idle flows and bands are being collected: a snapshot
 * counts every outcome counted before the call began, none twice, and none that had not been
 * counted by its end. So the totals ({@link #outcomes()}) of snapshots taken one after another
 * never go down, and once the controller is quiet they equal the outcomes its requests ended with:
 * safe to export as monotonic counters. A band's counts include its collected flows'; a flow's and
 * a dynamic band's counts start again from zero if it is collected and created anew (the totals
 * keep them). While collection keeps running, a call may wait for it (it then holds the registry
 * lock, which delays the creation of new flows, never dispatch).
 *
 * <p>Once the controller is quiet, the whole snapshot is exact.
 *
 * @param queuedRequests requests waiting in queues
 * @param queuedBytes bytes of those requests
 * @param inFlightRequests dispatched requests whose admission is not closed yet (for an instant it
 *     may also count a request being placed or finished)
 * @param outcomes requests ended, by outcome, since the controller started
 * @param shards the number of active shards
 * @param bands one entry per band, highest priority first
 */
public record FlowStats(
    long queuedRequests,
    long queuedBytes,
    long inFlightRequests,
    Map<Outcome, Long> outcomes,
    int shards,
    List<BandStats> bands) {

  /** Copies the collections. */
  public FlowStats {
    outcomes = Map.copyOf(outcomes);
    bands = List.copyOf(bands);
  }

  /** The stats of the band at {@code priority}, or {@code null} if it does not exist. */
  public @Nullable BandStats band(int priority) {
    for (BandStats band : bands) {
      if (band.priority() == priority) {
        return band;
      }
    }
    return null;
  }

  /** The stats of the flow {@code key}, or {@code null} if it does not exist. */
  public @Nullable FlowEntry flow(FlowKey key) {
    BandStats band = band(key.priority());
    return band == null ? null : band.flows().get(key.id());
  }

  /** Requests ended with {@code outcome}. */
  public long count(Outcome outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }

  /**
   * The counters of one priority band.
   *
   * @param priority the band's priority
   * @param dynamic whether the band was created for an unconfigured priority (and can be collected)
   * @param queuedRequests requests waiting in the band
   * @param queuedBytes bytes of those requests
   * @param inFlightRequests the band's dispatched, unclosed requests
   * @param outcomes requests ended, by outcome
   * @param flows the band's flows by id
   */
  public record BandStats(
      int priority,
      boolean dynamic,
      long queuedRequests,
      long queuedBytes,
      long inFlightRequests,
      Map<Outcome, Long> outcomes,
      Map<String, FlowEntry> flows) {

    /** Copies the collections. */
    public BandStats {
      outcomes = Map.copyOf(outcomes);
      flows = Map.copyOf(flows);
    }
  }

  /**
   * The counters of one flow.
   *
   * @param key the flow
   * @param queuedRequests requests waiting in the flow's queues
   * @param queuedBytes bytes of those requests
   * @param inFlightRequests the flow's dispatched, unclosed requests
   * @param outcomes requests ended, by outcome
   */
  public record FlowEntry(
      FlowKey key,
      long queuedRequests,
      long queuedBytes,
      long inFlightRequests,
      Map<Outcome, Long> outcomes) {

    /** Copies the map. */
    public FlowEntry {
      outcomes = Map.copyOf(outcomes);
    }

    /** Requests of this flow ended with {@code outcome}. */
    public long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }
  }

  /** An empty outcome map with every outcome at zero. */
  static Map<Outcome, Long> zeroOutcomes() {
    Map<Outcome, Long> map = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      map.put(outcome, 0L);
    }
    return map;
  }
}
