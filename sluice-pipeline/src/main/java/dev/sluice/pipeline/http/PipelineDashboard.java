package dev.sluice.pipeline.http;

import dev.sluice.backpressure.BackpressureStats;
import dev.sluice.dashboard.Rates;
import dev.sluice.dashboard.Snapshot;
import dev.sluice.dashboard.TopN;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.PipelineStatus;
import java.util.Comparator;
import java.util.Map;

/**
 * What the pipeline's dashboard shows (sluice-dashboard's page on the admin port), as one {@link
 * Snapshot} of {@link Pipeline#status()}: the backpressure latch (the gate: open while producers
 * are admitted), the rates of items added, results committed, acked and items failed, the bytes
 * held against the watermarks and the hard cap, every count with its rate, the backpressure
 * counters, and the leases each producer holds (the {@code limit} busiest, the rest in one row).
 * The numbers are those of {@code GET /v1/status} and {@code /metrics}; rates are {@link Rates}
 * between snapshots.
 *
 * <p>Rows carry {@code data-bytes}, {@code data-count}, {@code data-signal} and {@code
 * data-worker}. Not thread-safe: one snapshot at a time.
 */
final class PipelineDashboard {

  /** Producers listed by name; the others are summed into one row. */
  static final int TOP_WORKERS = 20;

  private static final Comparator<Map.Entry<String, Long>> BUSIEST =
      Map.Entry.<String, Long>comparingByValue()
          .reversed()
          .thenComparing(Map.Entry.comparingByKey());

  private final Pipeline pipeline;
  private final int limit;
  private final Rates<Count> rates;

  PipelineDashboard(Pipeline pipeline, int limit) {
    this.pipeline = pipeline;
    this.limit = limit;
    this.rates = new Rates<>(pipeline.config().ticker());
  }

  /** The counts the page lists; the last ones only grow, and have a rate. */
  private enum Count {
    PENDING("pending", "items waiting for a producer"),
    LEASED("leased", "items leased to producers"),
    VISIBLE("results-visible", "results waiting for a consumer"),
    RESULTS_LEASED("results-leased", "results leased to consumers"),
    BACKLOG("backlog", "results committed, not acked"),
    ADDED("added", "items added"),
    COMMITTED("committed", "results committed"),
    ACKED("acked", "results acked"),
    FAILED("failed", "items failed for good"),
    RETRIES("retries", "items sent back to pending"),
    EXPIRED("expired-leases", "producer leases expired"),
    EXPIRED_RESULTS("expired-result-leases", "consumer leases expired"),
    REJECTED("rejected", "commits refused by the hard cap");

    final String id;
    final String label;

    Count(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** This count in {@code s}. */
    long of(PipelineStatus s) {
      return switch (this) {
        case PENDING -> s.pending();
        case LEASED -> s.leased();
        case VISIBLE -> s.resultsVisible();
        case RESULTS_LEASED -> s.resultsLeased();
        case BACKLOG -> s.backlog();
        case ADDED -> s.added();
        case COMMITTED -> s.committed();
        case ACKED -> s.acked();
        case FAILED -> s.failed();
        case RETRIES -> s.retries();
        case EXPIRED -> s.expiredLeases();
        case EXPIRED_RESULTS -> s.expiredResultLeases();
        case REJECTED -> s.rejectedOverCapacity();
      };
    }

    boolean counter() {
      return ordinal() >= ADDED.ordinal();
    }
  }

  /** The snapshot now, as JSON. */
  String render() {
    PipelineStatus status = pipeline.status();
    PipelineConfig config = pipeline.config();
    rates.next();
    Snapshot snapshot =
        new Snapshot("Sluice pipeline")
            .link("/metrics")
            .gate(
                !status.paused(),
                status.paused()
                    ? "producers paused (latch closed)"
                    : "producers admitted (latch open)")
            .totals(
                "pending "
                    + status.pending()
                    + ", leased "
                    + status.leased()
                    + ", backlog "
                    + status.backlog()
                    + ", held "
                    + (status.residentBytes() + status.reservedBytes())
                    + " B");
    double[] perSecond = new double[Count.values().length];
    for (Count count : Count.values()) {
      if (count.counter()) {
        perSecond[count.ordinal()] = rates.rate(count, count.of(status));
      }
    }
    snapshot
        .chart("Throughput", "(per second, last 2 minutes)")
        .series("added", perSecond[Count.ADDED.ordinal()], 0)
        .series("committed", perSecond[Count.COMMITTED.ordinal()], 1)
        .series("acked", perSecond[Count.ACKED.ordinal()], 2)
        .series("failed", perSecond[Count.FAILED.ordinal()], 4);
    bytes(snapshot, status, config);
    Snapshot.Table counts =
        snapshot
            .table("counts", "Items and results", "count")
            .column("name", "count")
            .column("value", "now")
            .column("rate", "per second");
    for (Count count : Count.values()) {
      Snapshot.Row row =
          counts.row(count.id).text("name", count.label).number("value", count.of(status));
      if (count.counter()) {
        row.number("rate", perSecond[count.ordinal()], 1);
      }
    }
    backpressure(snapshot, status);
    workers(snapshot, status);
    return snapshot.json();
  }

  private static void bytes(Snapshot snapshot, PipelineStatus status, PipelineConfig config) {
    long high = config.highWatermarkBytes();
    long cap = config.maxResidentBytes();
    long scale = high > 0 ? high : cap;
    Snapshot.Table table =
        snapshot
            .table("bytes", "Bytes held", "bytes")
            .note(
                "(low watermark "
                    + off(config.lowWatermarkBytes())
                    + ", high watermark "
                    + off(high)
                    + ", hard cap "
                    + off(cap)
                    + ")")
            .column("name", "bytes")
            .column("value", "now")
            .column("peak", "peak")
            .barColumn("fill", high > 0 ? "of the high watermark" : "of the cap");
    long held = status.residentBytes() + status.reservedBytes();
    row(
        table,
        "resident",
        "results held (committed, not acked)",
        status.residentBytes(),
        status.peakResidentBytes(),
        scale);
    row(table, "reserved", "reserved for leased items", status.reservedBytes(), -1, scale);
    row(table, "held", "resident + reserved (the latch's signal)", held, status.peakBytes(), scale);
  }

  private static void row(
      Snapshot.Table table, String id, String label, long value, long peak, long scale) {
    Snapshot.Row row = table.row(id).text("name", label).number("value", value);
    if (peak >= 0) {
      row.number("peak", peak);
    }
    if (scale > 0) {
      double fraction = (double) value / scale;
      row.bar("fill", fraction, Snapshot.format(100 * fraction, 0) + "%", fraction >= 1 ? 4 : 0);
    }
  }

  private static String off(long bytes) {
    return bytes > 0 ? bytes + " B" : "off";
  }

  private static void backpressure(Snapshot snapshot, PipelineStatus status) {
    BackpressureStats stats = status.backpressure();
    Snapshot.Table table =
        snapshot
            .table("backpressure", "Backpressure", "signal")
            .column("name", "signal")
            .column("count", "intervals")
            .column("seconds", "seconds");
    table
        .row("paused")
        .text("name", "producers paused")
        .number("count", stats.pauses())
        .number("seconds", stats.timePaused().toNanos() / 1e9, 1);
    table
        .row("producer-starved")
        .text("name", "producers starved (asked while paused)")
        .number("count", stats.producerStarvations())
        .number("seconds", stats.producerStarvedTime().toNanos() / 1e9, 1);
    table
        .row("consumer-starved")
        .text("name", "consumers starved (empty result leases)")
        .number("count", stats.consumerStarvations())
        .number("seconds", stats.consumerStarvedTime().toNanos() / 1e9, 1);
  }

  private void workers(Snapshot snapshot, PipelineStatus status) {
    Snapshot.Table table =
        snapshot
            .table("workers", "Producers", "worker")
            .note("(the " + limit + " holding the most leases)")
            .column("worker", "worker")
            .column("leases", "leases held")
            .barColumn("share", "share of leased items");
    long leased = Math.max(1, status.leased());
    long[] others = new long[2];
    for (Map.Entry<String, Long> worker :
        TopN.select(
            status.leasesByWorker().entrySet(),
            BUSIEST,
            limit,
            rest -> {
              others[0]++;
              others[1] += rest.getValue();
            })) {
      double share = (double) worker.getValue() / leased;
      table
          .row(worker.getKey())
          .text("worker", worker.getKey())
          .number("leases", worker.getValue())
          .bar("share", share, Snapshot.format(100 * share, 0) + "%", 0);
    }
    if (others[0] > 0) {
      double share = (double) others[1] / leased;
      table
          .others()
          .value("worker", others[0], "others (" + others[0] + " workers)")
          .number("leases", others[1])
          .bar("share", share, Snapshot.format(100 * share, 0) + "%", 0);
    }
  }
}
