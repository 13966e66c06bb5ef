package dev.sluice.gateway.internal.metrics;

import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.proxy.Preemptions;
import dev.sluice.gateway.internal.proxy.RequestBodyGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's flow-control metrics, the equivalents of GIE's {@code
 * inference_extension_flow_control_*} series under the {@code sluice_} prefix:
 *
 * <ul>
 *   <li>{@code sluice_flow_control_queue_size} and {@code _queue_bytes} (gauges by {@code
 *       fairness_id}, {@code priority}): queued requests and their bytes;
 *   <li>{@code sluice_flow_control_in_flight_requests} (gauge by {@code fairness_id}, {@code
 *       priority}): dispatched requests whose response has not ended;
 *   <li>{@code sluice_flow_control_request_queue_duration_seconds} (histogram by {@code
 *       fairness_id}, {@code priority}, {@code outcome}; GIE's buckets): time from arrival to the
 *       outcome;
 *   <li>{@code sluice_flow_control_requests_total} (counter by {@code fairness_id}, {@code
 *       priority}, {@code outcome}): one per request;
 *   <li>{@code sluice_flow_control_pool_saturation} (gauge): what the dispatch gate sees;
 *   <li>{@code sluice_flow_control_stale_endpoints} (gauge), and per endpoint {@code
 *       sluice_endpoint_fresh}, {@code _in_flight_requests}, {@code _waiting_requests}, {@code
 *       _kv_cache_utilization}.
 * </ul>
 *
 * <p>The {@code fairness_id} label is bounded in count and length ({@link FairnessLabels}).
 * Counters and the histogram are fed as the listener; gauges are recomputed from {@link
 * FlowController#stats()} by {@link #scrape()}. Thread-safe: listener methods may run concurrently
 * on any thread.
 */
public final class FlowMetrics implements FlowControlListener {

  private static final Duration[] QUEUE_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /**
   * The upper bounds of the queue-duration histogram's buckets (GIE's), shortest first; the
   * dashboard's percentiles use the same ones, so they agree with {@code histogram_quantile}.
   */
  public static List<Duration> queueBuckets() {
    return List.of(QUEUE_BUCKETS);
  }

  private final PrometheusMeterRegistry registry;
  private final FairnessLabels labels;
  private final Map<FlowLabel, Cells> flowGauges = new ConcurrentHashMap<>();
  // Bounded as the labels are: fairness ids (FairnessLabels), priorities, outcomes.
  private final Map<OutcomeLabel, OutcomeMeters> outcomeMeters = new ConcurrentHashMap<>();
  private volatile @Nullable FlowController controller; // set by bind()

  /**
   * Creates the metrics in {@code registry}, with at most {@code labelLimit} distinct {@code
   * fairness_id} values of at most {@code labelMaxLength} characters ({@link FairnessLabels}).
   */
  public FlowMetrics(PrometheusMeterRegistry registry, int labelLimit, int labelMaxLength) {
    this.registry = registry;
    this.labels = new FairnessLabels(labelLimit, labelMaxLength);
  }

  /** Registers the gauges that read the controller and the pool. Call once, before serving. */
  public void bind(FlowController flowController, EndpointPool pool) {
    this.controller = flowController;
    Gauge.builder("sluice.flow_control.pool_saturation", pool.gate(), gate -> gate.saturation())
        .description("Saturation the dispatch gate sees; >= 1 holds dispatch")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "sluice.flow_control.stale_endpoints",
            pool,
            p -> p.endpoints().stream().filter(e -> !p.isFresh(e)).count())
        .description("Endpoints without fresh metrics; they get no new work")
        .strongReference(true)
        .register(registry);
    for (Endpoint endpoint : pool.endpoints()) {
      Tags tags = Tags.of("endpoint", endpoint.name());
      Gauge.builder("sluice.endpoint.fresh", endpoint, e -> pool.isFresh(e) ? 1 : 0)
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder("sluice.endpoint.in_flight_requests", endpoint, Endpoint::inFlight)
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "sluice.endpoint.waiting_requests",
              endpoint,
              e -> {
                var m = pool.metrics().snapshots().get(e.name());
                return m == null ? Double.NaN : m.waitingRequests();
              })
          .tags(tags)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "sluice.endpoint.kv_cache_utilization",
              endpoint,
              e -> {
                var m = pool.metrics().snapshots().get(e.name());
                return m == null ? Double.NaN : m.kvCacheUtilization();
              })
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Registers the proxy's meters: the requests preempted per preempting band, and the request-body
   * bytes held now. Call once, before serving.
   */
  public void bindProxy(Preemptions preemptions, RequestBodyGuard bodyGuard) {
    for (int priority : preemptions.preemptingPriorities()) {
      FunctionCounter.builder("sluice.preemptions", preemptions, p -> p.count(priority))
          .description("Requests taken back before their first byte for a request of this band")
          .tag("band", Integer.toString(priority))
          .register(registry);
    }
    Gauge.builder(
            "sluice.gateway.buffered_request_bytes", bodyGuard, RequestBodyGuard::bufferedBytes)
        .description("Request-body bytes held now (server.maxBufferedRequestBytes bounds them)")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
    OutcomeLabel key =
        new OutcomeLabel(
            labels.label(request.flowKey().id()), request.flowKey().priority(), outcome);
    OutcomeMeters meters = outcomeMeters.get(key);
    if (meters == null) {
      meters = outcomeMeters.computeIfAbsent(key, this::register);
    }
    meters.requests().increment();
    meters.queueDuration().record(queueNanos, TimeUnit.NANOSECONDS);
  }

  /** The meters of one label set, registered once: an outcome costs two map lookups, no tags. */
  private OutcomeMeters register(OutcomeLabel key) {
    Tags tags =
        Tags.of(
            "fairness_id", key.fairnessId(),
            "priority", Integer.toString(key.priority()),
            "outcome", key.outcome().reason());
    return new OutcomeMeters(
        Counter.builder("sluice.flow_control.requests")
            .description("Requests by how they ended in flow control")
            .tags(tags)
            .register(registry),
        Timer.builder("sluice.flow_control.request_queue_duration")
            .description("Time from arrival to the flow-control outcome")
            .tags(tags)
            .serviceLevelObjectives(QUEUE_BUCKETS)
            .register(registry));
  }

  /** Recomputes the gauges from the controller's statistics and renders the registry. */
  public String scrape() {
    refresh();
    return registry.scrape();
  }

  /** The registry, for other meters (Armeria's own server metrics go here too). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  void refresh() {
    FlowController current = controller;
    if (current == null) {
      return;
    }
    FlowStats stats = current.stats();
    Map<FlowLabel, double[]> sums = new HashMap<>();
    for (FlowStats.BandStats band : stats.bands()) {
      for (FlowStats.FlowEntry flow : band.flows().values()) {
        FlowLabel key = new FlowLabel(labels.label(flow.key().id()), band.priority());
        double[] sum = sums.computeIfAbsent(key, k -> new double[3]);
        sum[0] += flow.queuedRequests();
        sum[1] += flow.queuedBytes();
        sum[2] += flow.inFlightRequests();
      }
    }
    sums.forEach((key, values) -> cells(key).set(values));
    flowGauges.forEach(
        (key, cells) -> {
          if (!sums.containsKey(key)) {
            cells.set(new double[3]);
          }
        });
  }

  private Cells cells(FlowLabel key) {
    return flowGauges.computeIfAbsent(
        key,
        k -> {
          Cells cells = new Cells();
          Tags tags =
              Tags.of("fairness_id", k.fairnessId(), "priority", Integer.toString(k.priority()));
          Gauge.builder("sluice.flow_control.queue_size", cells, c -> c.queued)
              .description("Requests waiting in the gateway's queues")
              .tags(tags)
              .strongReference(true)
              .register(registry);
          Gauge.builder("sluice.flow_control.queue_bytes", cells, c -> c.bytes)
              .description("Bytes of the requests waiting in the gateway's queues")
              .tags(tags)
              .strongReference(true)
              .register(registry);
          Gauge.builder("sluice.flow_control.in_flight_requests", cells, c -> c.inFlight)
              .description("Dispatched requests whose response has not ended")
              .tags(tags)
              .strongReference(true)
              .register(registry);
          return cells;
        });
  }

  private record FlowLabel(String fairnessId, int priority) {}

  private record OutcomeLabel(String fairnessId, int priority, Outcome outcome) {}

  private record OutcomeMeters(Counter requests, Timer queueDuration) {}

  /** The latest values of one flow's gauges. */
  private static final class Cells {
    volatile double queued;
    volatile double bytes;
    volatile double inFlight;

    void set(double[] values) {
      queued = values[0];
      bytes = values[1];
      inFlight = values[2];
    }
  }
}
