package dev.sluice.gateway.internal.dashboard;

import dev.sluice.dashboard.Rates;
import dev.sluice.dashboard.Snapshot;
import dev.sluice.dashboard.TopN;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders what the gateway's dashboard shows as one {@link Snapshot}: the gate, the totals, a chart
 * of each priority band's dispatch rate, each band (queue depth, bytes, dispatch rate), the {@code
 * limit} busiest flows (tenant and priority) with their dispatch rate, share of their band's rate,
 * queue-wait p50/p99 and outcomes by reason, every other flow folded into one {@code others} row,
 * and each endpoint's saturation signals. The size of a snapshot depends on {@code limit}, the
 * bands and the endpoints, never on the number of tenants.
 *
 * <p>Rows carry {@code data-priority} (bands), {@code data-flow} ({@code tenant/priority}) and
 * {@code data-endpoint}. Rates are {@link Rates} of the dispatch counters, on the injected clock.
 * Outcome counts are the controller's per-flow counters, which live as long as the flow ({@code
 * flowControl.flowIdleTimeout}). Not thread-safe: {@link #render} is called by one thread at a time
 * ({@link dev.sluice.dashboard.SnapshotStream} does).
 */
final class DashboardSnapshot {

  /** The most important flow first: the highest rate, then the most queued, then in flight. */
  private static final Comparator<Row> BUSIEST =
      Comparator.comparingDouble(Row::rate)
          .reversed()
          .thenComparing(Comparator.comparingLong((Row r) -> r.flow().queuedRequests()).reversed())
          .thenComparing(
              Comparator.comparingLong((Row r) -> r.flow().inFlightRequests()).reversed())
          .thenComparing(r -> r.flow().key().id())
          .thenComparingInt(r -> r.flow().key().priority());

  private final EndpointPool pool;
  private final WaitHistograms waits;
  private final int limit;
  private final Rates<FlowKey> rates;

  DashboardSnapshot(EndpointPool pool, WaitHistograms waits, Ticker ticker, int limit) {
    this.pool = pool;
    this.waits = waits;
    this.limit = limit;
    this.rates = new Rates<>(ticker);
  }

  private record Row(FlowStats.FlowEntry flow, double rate) {}

  /** The snapshot of {@code stats} and the pool now, as JSON. */
  String render(FlowStats stats) {
    rates.next();
    Snapshot snapshot = new Snapshot("Sluice gateway").link("/metrics").link("/admin/flows");
    double saturation = pool.gate().saturation();
    boolean open = saturation < 1.0;
    snapshot
        .gate(
            open,
            (open ? "gate open" : "gate closed")
                + " (saturation "
                + Snapshot.format(saturation, 2)
                + ")")
        .totals(
            "queued "
                + stats.queuedRequests()
                + " ("
                + stats.queuedBytes()
                + " B), in flight "
                + stats.inFlightRequests());
    List<Row> rows = new ArrayList<>();
    Map<Integer, Double> bandRates = new HashMap<>();
    Map<Integer, Integer> tones = new HashMap<>();
    for (FlowStats.BandStats band : stats.bands()) {
      double bandRate = 0;
      for (FlowStats.FlowEntry flow : band.flows().values()) {
        double rate = rates.rate(flow.key(), flow.count(Outcome.DISPATCHED));
        rows.add(new Row(flow, rate));
        bandRate += rate;
      }
      bandRates.put(band.priority(), bandRate);
      tones.put(band.priority(), tones.size());
    }
    Snapshot.Chart chart =
        snapshot.chart("Dispatch rate", "(requests/s, last 2 minutes, by priority band)");
    stats
        .bands()
        .forEach(
            b ->
                chart.series(
                    "priority " + b.priority(),
                    bandRates.getOrDefault(b.priority(), 0.0),
                    tones.getOrDefault(b.priority(), 0)));
    bands(snapshot, stats, bandRates, tones);
    tenants(snapshot, rows, bandRates, tones);
    endpoints(snapshot);
    return snapshot.json();
  }

  private static void bands(
      Snapshot snapshot,
      FlowStats stats,
      Map<Integer, Double> bandRates,
      Map<Integer, Integer> tones) {
    Snapshot.Table table =
        snapshot
            .table("bands", "Priority bands", "priority")
            .column("priority", "priority")
            .column("queued", "queued")
            .column("queued-bytes", "queued bytes")
            .column("in-flight", "in flight")
            .column("rate", "dispatch/s")
            .column("flows", "flows")
            .barColumn("depth", "queue depth");
    long max = 1;
    for (FlowStats.BandStats band : stats.bands()) {
      max = Math.max(max, band.queuedRequests());
    }
    for (FlowStats.BandStats band : stats.bands()) {
      table
          .row(Integer.toString(band.priority()))
          .number("priority", band.priority())
          .number("queued", band.queuedRequests())
          .number("queued-bytes", band.queuedBytes())
          .number("in-flight", band.inFlightRequests())
          .number("rate", bandRates.getOrDefault(band.priority(), 0.0), 1)
          .number("flows", band.flows().size())
          .bar(
              "depth",
              (double) band.queuedRequests() / max,
              Long.toString(band.queuedRequests()),
              tones.getOrDefault(band.priority(), 0));
    }
  }

  private void tenants(
      Snapshot snapshot,
      List<Row> rows,
      Map<Integer, Double> bandRates,
      Map<Integer, Integer> tones) {
    Snapshot.Table table =
        snapshot
            .table("tenants", "Tenants", "flow")
            .note(
                "(the "
                    + limit
                    + " busiest flows by dispatch rate; outcomes while the flow is live)")
            .column("tenant", "tenant")
            .column("priority", "priority")
            .column("rate", "dispatch/s")
            .barColumn("share", "share of band")
            .column("queued", "queued")
            .column("in-flight", "in flight")
            .column("wait-p50", "wait p50 ms")
            .column("wait-p99", "wait p99 ms");
    for (Reason reason : Reason.values()) {
      table.column(reason.key, reason.label, reason.hint);
    }
    Others others = new Others();
    for (Row row : TopN.select(rows, BUSIEST, limit, others::add)) {
      FlowKey key = row.flow().key();
      double bandRate = bandRates.getOrDefault(key.priority(), 0.0);
      double share = bandRate > 0 ? row.rate() / bandRate : 0;
      Snapshot.Row r =
          table
              .row(key.id() + "/" + key.priority())
              .text("tenant", key.id())
              .number("priority", key.priority())
              .number("rate", row.rate(), 1)
              .bar(
                  "share",
                  share,
                  Snapshot.format(100 * share, 0) + "%",
                  tones.getOrDefault(key.priority(), 0))
              .number("queued", row.flow().queuedRequests())
              .number("in-flight", row.flow().inFlightRequests())
              .number("wait-p50", waits.quantileMillis(key, 0.5), 1)
              .number("wait-p99", waits.quantileMillis(key, 0.99), 1);
      for (Reason reason : Reason.values()) {
        r.number(reason.key, row.flow().count(reason.outcome));
      }
    }
    if (others.flows > 0) {
      Snapshot.Row r =
          table
              .others()
              .value("tenant", others.flows, "others (" + others.flows + " flows)")
              .number("rate", others.rate, 1)
              .number("queued", others.queued)
              .number("in-flight", others.inFlight);
      for (Reason reason : Reason.values()) {
        r.number(reason.key, others.outcomes[reason.ordinal()]);
      }
    }
  }

  private void endpoints(Snapshot snapshot) {
    Snapshot.Table table =
        snapshot
            .table("endpoints", "Endpoints", "endpoint")
            .column("endpoint", "endpoint")
            .column("metrics", "metrics")
            .column("waiting", "waiting")
            .barColumn("kv-cache", "KV cache")
            .column("in-flight", "in flight");
    Map<String, EndpointMetrics> snapshots = pool.metrics().snapshots();
    for (Endpoint endpoint : pool.endpoints()) {
      boolean fresh = pool.isFresh(endpoint);
      Snapshot.Row row =
          table
              .row(endpoint.name())
              .text("endpoint", endpoint.name())
              .badge("metrics", fresh, fresh ? "fresh" : "stale");
      EndpointMetrics m = snapshots.get(endpoint.name());
      if (m != null) {
        row.number("waiting", m.waitingRequests())
            .bar(
                "kv-cache",
                m.kvCacheUtilization(),
                Snapshot.format(100 * m.kvCacheUtilization(), 0) + "%",
                3);
      }
      row.number("in-flight", endpoint.inFlight());
    }
  }

  /** The outcomes the page shows, by the column that carries each. */
  private enum Reason {
    DISPATCHED(Outcome.DISPATCHED, "dispatched", "dispatched", "dispatched"),
    CAPACITY(
        Outcome.REJECTED_CAPACITY, "rejected-capacity", "429 capacity", "429 rejected-capacity"),
    SHED(Outcome.REJECTED_SHED, "rejected-shed", "429 shed", "429 rejected-shed"),
    DISPLACED(
        Outcome.EVICTED_DISPLACED, "evicted-displaced", "429 displaced", "429 evicted-displaced"),
    TTL(Outcome.EVICTED_TTL, "evicted-ttl", "503 TTL", "503 evicted-ttl"),
    CANCELLED(Outcome.EVICTED_CANCELLED, "evicted-cancelled", "cancelled", "evicted-cancelled");

    final Outcome outcome;
    final String key;
    final String label;
    final String hint;

    Reason(Outcome outcome, String key, String label, String hint) {
      this.outcome = outcome;
      this.key = key;
      this.label = label;
      this.hint = hint;
    }
  }

  /** The flows beyond the top {@code limit}, summed. */
  private static final class Others {
    long flows;
    double rate;
    long queued;
    long inFlight;
    final long[] outcomes = new long[Reason.values().length];

    void add(Row row) {
      flows++;
      rate += row.rate();
      queued += row.flow().queuedRequests();
      inFlight += row.flow().inFlightRequests();
      for (Reason reason : Reason.values()) {
        outcomes[reason.ordinal()] += row.flow().count(reason.outcome);
      }
    }
  }
}
