package dev.sluice.gateway.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.dashboard.TopN;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.pool.Endpoint;
import dev.sluice.gateway.pool.EndpointPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders what the dashboard shows as one JSON document: the gate, the totals, each priority band
 * (queue depth, bytes, dispatch rate), the {@code limit} busiest flows (tenant and priority) with
 * their dispatch rate, share of their band's rate, queue-wait p50/p99 and outcomes by reason, every
 * other flow folded into one {@code others} row, and each endpoint's saturation signals. The size
 * of a snapshot depends on {@code limit}, the bands and the endpoints, never on the number of
 * tenants.
 *
 * <p>Rates are dispatches per second between successive snapshots, smoothed (half the new rate,
 * half the old), on the injected clock. Outcome counts are the controller's per-flow counters,
 * which live as long as the flow ({@code flowControl.flowIdleTimeout}). Not thread-safe: {@link
 * #render} is called by one thread at a time ({@link dev.sluice.dashboard.SnapshotStream} does).
 */
final class DashboardSnapshot {

  private static final ObjectMapper JSON = new ObjectMapper();

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
  private final Ticker ticker;
  private final int limit;
  private Map<FlowKey, Rate> rates = new HashMap<>();
  private long lastNanos;

  DashboardSnapshot(EndpointPool pool, WaitHistograms waits, Ticker ticker, int limit) {
    this.pool = pool;
    this.waits = waits;
    this.ticker = ticker;
    this.limit = limit;
    this.lastNanos = ticker.read();
  }

  private record Rate(long dispatched, double perSecond) {}

  private record Row(FlowStats.FlowEntry flow, double rate) {}

  /** The snapshot of {@code stats} and the pool now. */
  String render(FlowStats stats) {
    long now = ticker.read();
    double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
    lastNanos = now;
    Map<FlowKey, Rate> next = new HashMap<>();
    ObjectNode root = JSON.createObjectNode();
    double saturation = pool.gate().saturation();
    root.put("saturation", saturation);
    root.put("gateOpen", saturation < 1.0);
    root.put("queuedRequests", stats.queuedRequests());
    root.put("queuedBytes", stats.queuedBytes());
    root.put("inFlightRequests", stats.inFlightRequests());
    root.put("limit", limit);
    ArrayNode bands = root.putArray("bands");
    List<Row> rows = new ArrayList<>();
    Map<Integer, Double> bandRates = new HashMap<>();
    for (FlowStats.BandStats band : stats.bands()) {
      double bandRate = 0;
      for (FlowStats.FlowEntry flow : band.flows().values()) {
        long dispatched = flow.count(Outcome.DISPATCHED);
        Rate last = rates.get(flow.key());
        double rate;
        if (last == null || dispatched < last.dispatched()) {
          rate = 0; // first sight (or a recreated flow): no interval to measure yet
        } else {
          rate = 0.5 * (dispatched - last.dispatched()) / seconds + 0.5 * last.perSecond();
        }
        next.put(flow.key(), new Rate(dispatched, rate));
        rows.add(new Row(flow, rate));
        bandRate += rate;
      }
      bandRates.put(band.priority(), bandRate);
      ObjectNode b = bands.addObject();
      b.put("priority", band.priority());
      b.put("queuedRequests", band.queuedRequests());
      b.put("queuedBytes", band.queuedBytes());
      b.put("inFlightRequests", band.inFlightRequests());
      b.put("rate", bandRate);
      b.put("flows", band.flows().size());
    }
    rates = next;
    Others others = new Others();
    List<Row> top = TopN.select(rows, BUSIEST, limit, others::add);
    ArrayNode tenants = root.putArray("tenants");
    for (Row row : top) {
      ObjectNode t = tenants.addObject();
      FlowKey key = row.flow().key();
      t.put("id", key.id());
      t.put("priority", key.priority());
      double bandRate = bandRates.getOrDefault(key.priority(), 0.0);
      t.put("share", bandRate > 0 ? row.rate() / bandRate : 0);
      putNullable(t, "waitP50Ms", waits.quantileMillis(key, 0.5));
      putNullable(t, "waitP99Ms", waits.quantileMillis(key, 0.99));
      counts(t, row.flow(), row.rate());
    }
    ObjectNode o = root.putObject("others");
    o.put("flows", others.flows);
    o.put("rate", others.rate);
    o.put("queuedRequests", others.queued);
    o.put("inFlightRequests", others.inFlight);
    others.outcomes.forEach(o::put);
    root.set("endpoints", endpoints());
    return root.toString();
  }

  private static void counts(ObjectNode node, FlowStats.FlowEntry flow, double rate) {
    node.put("rate", rate);
    node.put("queuedRequests", flow.queuedRequests());
    node.put("queuedBytes", flow.queuedBytes());
    node.put("inFlightRequests", flow.inFlightRequests());
    for (Reason reason : Reason.values()) {
      node.put(reason.field, flow.count(reason.outcome));
    }
  }

  private static void putNullable(ObjectNode node, String field, @Nullable Double value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private ArrayNode endpoints() {
    ArrayNode endpoints = JSON.createArrayNode();
    Map<String, EndpointMetrics> snapshots = pool.metrics().snapshots();
    for (Endpoint endpoint : pool.endpoints()) {
      ObjectNode e = endpoints.addObject();
      e.put("name", endpoint.name());
      e.put("fresh", pool.isFresh(endpoint));
      e.put("inFlightRequests", endpoint.inFlight());
      EndpointMetrics m = snapshots.get(endpoint.name());
      if (m != null) {
        e.put("waitingRequests", m.waitingRequests());
        e.put("kvCacheUtilization", m.kvCacheUtilization());
      }
    }
    return endpoints;
  }

  /** The outcomes the page shows, by the JSON field that carries each. */
  private enum Reason {
    DISPATCHED(Outcome.DISPATCHED, "dispatched"),
    CAPACITY(Outcome.REJECTED_CAPACITY, "rejectedCapacity"),
    SHED(Outcome.REJECTED_SHED, "rejectedShed"),
    DISPLACED(Outcome.EVICTED_DISPLACED, "evictedDisplaced"),
    TTL(Outcome.EVICTED_TTL, "evictedTtl"),
    CANCELLED(Outcome.EVICTED_CANCELLED, "evictedCancelled");

    final Outcome outcome;
    final String field;

    Reason(Outcome outcome, String field) {
      this.outcome = outcome;
      this.field = field;
    }
  }

  /** The flows beyond the top {@code limit}, summed. */
  private static final class Others {
    long flows;
    double rate;
    long queued;
    long inFlight;
    final Map<String, Long> outcomes = new LinkedHashMap<>();

    Others() {
      for (Reason reason : Reason.values()) {
        outcomes.put(reason.field, 0L);
      }
    }

    void add(Row row) {
      flows++;
      rate += row.rate();
      queued += row.flow().queuedRequests();
      inFlight += row.flow().inFlightRequests();
      for (Reason reason : Reason.values()) {
        outcomes.merge(reason.field, row.flow().count(reason.outcome), Long::sum);
      }
    }
  }
}
