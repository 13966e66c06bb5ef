package dev.sluice.gateway.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.internal.metrics.FlowMetrics;
import dev.sluice.gateway.internal.pool.Endpoint;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.proxy.Preemptions;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The admin endpoints' answers: {@code /metrics}, {@code /admin/flows}, {@code /health} and {@code
 * /health/ready}, added to an admin server by {@link #addTo}. Stateless and thread-safe; reads live
 * objects on each call.
 */
public final class AdminService {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Flows listed by {@code /admin/flows} when the query does not say. */
  static final int DEFAULT_FLOW_LIMIT = 100;

  private final FlowController controller;
  private final EndpointPool pool;
  private final FlowMetrics metrics;
  private final BooleanSupplier draining;
  private final Preemptions preemptions;

  /** Answers from these live objects; {@code draining} says whether shutdown began. */
  public AdminService(
      FlowController controller,
      EndpointPool pool,
      FlowMetrics metrics,
      BooleanSupplier draining,
      Preemptions preemptions) {
    this.controller = controller;
    this.pool = pool;
    this.metrics = metrics;
    this.draining = draining;
    this.preemptions = preemptions;
  }

  /** Adds the admin endpoints to {@code server}. */
  public void addTo(ServerBuilder server) {
    server
        .service(
            Route.builder().path("/metrics").methods(HttpMethod.GET).build(),
            (ctx, req) -> metrics())
        .service(
            Route.builder().path("/admin/flows").methods(HttpMethod.GET).build(),
            (ctx, req) -> flows(ctx.queryParam("limit")))
        .service(
            Route.builder().path("/health").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
            (ctx, req) -> health())
        .service(
            Route.builder().path("/health/ready").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
            (ctx, req) -> ready());
  }

  HttpResponse metrics() {
    return HttpResponse.of(
        HttpStatus.OK,
        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
        metrics.scrape());
  }

  /** Liveness and readiness: 200 while serving, 503 once shutdown began. */
  HttpResponse health() {
    ObjectNode body = JSON.createObjectNode();
    boolean down = draining.getAsBoolean();
    body.put("status", down ? "shutting-down" : "ok");
    body.put("freshEndpoints", pool.endpoints().stream().filter(pool::isFresh).count());
    return HttpResponse.of(
        down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK,
        MediaType.JSON_UTF_8,
        body.toString());
  }

  /** Readiness for a load balancer: also 503 while no endpoint has fresh metrics. */
  HttpResponse ready() {
    boolean ok = !draining.getAsBoolean() && pool.hasFreshEndpoint();
    ObjectNode body = JSON.createObjectNode();
    body.put("status", ok ? "ready" : draining.getAsBoolean() ? "shutting-down" : "no-endpoints");
    return HttpResponse.of(
        ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, MediaType.JSON_UTF_8, body.toString());
  }

  /**
   * {@code /admin/flows?limit=N}: the totals, every band, and the {@code N} (default {@value
   * #DEFAULT_FLOW_LIMIT}) busiest flows over all bands, so the answer stays small with any number
   * of tenants. 400 if {@code limit} is not an integer >= 0.
   */
  HttpResponse flows(String limitParam) {
    int limit = DEFAULT_FLOW_LIMIT;
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 0) {
        ObjectNode error = JSON.createObjectNode();
        error.put("error", "limit: '" + limitParam + "' (expected: an integer >= 0)");
        return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.JSON_UTF_8, error.toString());
      }
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, flowsJson(limit).toPrettyString());
  }

  /**
   * The flows with the most queued requests, then the most in flight (ties by id and priority),
   * first.
   */
  private static final Comparator<FlowStats.FlowEntry> BUSIEST =
      Comparator.comparingLong(FlowStats.FlowEntry::queuedRequests)
          .reversed()
          .thenComparing(Comparator.comparingLong(FlowStats.FlowEntry::inFlightRequests).reversed())
          .thenComparing(flow -> flow.key().id())
          .thenComparingInt(flow -> flow.key().priority());

  ObjectNode flowsJson(int limit) {
    FlowStats stats = controller.stats();
    ObjectNode root = JSON.createObjectNode();
    root.put("queuedRequests", stats.queuedRequests());
    root.put("queuedBytes", stats.queuedBytes());
    root.put("inFlightRequests", stats.inFlightRequests());
    root.put("shards", stats.shards());
    root.put("saturation", pool.gate().saturation());
    root.set("outcomes", outcomes(stats.outcomes()));
    Set<FlowStats.FlowEntry> shown =
        stats.bands().stream()
            .flatMap(band -> band.flows().values().stream())
            .sorted(BUSIEST)
            .limit(limit)
            .collect(
                Collectors.toCollection(() -> Collections.newSetFromMap(new IdentityHashMap<>())));
    long flowCount = stats.bands().stream().mapToLong(band -> band.flows().size()).sum();
    root.put("flowCount", flowCount);
    root.put("flowLimit", limit);
    root.put("flowsShown", shown.size());
    root.put("flowsOmitted", flowCount - shown.size());
    ArrayNode bands = root.putArray("bands");
    for (FlowStats.BandStats band : stats.bands()) {
      ObjectNode b = bands.addObject();
      b.put("priority", band.priority());
      if (preemptions.preemptingPriorities().contains(band.priority())) {
        b.put("preemptions", preemptions.count(band.priority()));
      }
      b.put("dynamic", band.dynamic());
      b.put("queuedRequests", band.queuedRequests());
      b.put("queuedBytes", band.queuedBytes());
      b.put("inFlightRequests", band.inFlightRequests());
      b.set("outcomes", outcomes(band.outcomes()));
      b.put("flowCount", band.flows().size());
      ArrayNode flows = b.putArray("flows");
      band.flows().values().stream()
          .filter(shown::contains)
          .sorted(BUSIEST)
          .forEach(
              flow -> {
                ObjectNode f = flows.addObject();
                f.put("id", flow.key().id());
                f.put("queuedRequests", flow.queuedRequests());
                f.put("queuedBytes", flow.queuedBytes());
                f.put("inFlightRequests", flow.inFlightRequests());
                f.set("outcomes", outcomes(flow.outcomes()));
              });
    }
    ArrayNode endpoints = root.putArray("endpoints");
    Map<String, EndpointMetrics> snapshots = pool.metrics().snapshots();
    for (Endpoint endpoint : pool.endpoints()) {
      ObjectNode e = endpoints.addObject();
      e.put("name", endpoint.name());
      e.put("fresh", pool.isFresh(endpoint));
      e.put("inFlightRequests", endpoint.inFlight());
      e.put("dispatched", endpoint.dispatched());
      EndpointMetrics m = snapshots.get(endpoint.name());
      if (m != null) {
        e.put("waitingRequests", m.waitingRequests());
        e.put("kvCacheUtilization", m.kvCacheUtilization());
      }
      e.put("lastScrapeError", endpoint.lastScrapeError());
    }
    return root;
  }

  private static ObjectNode outcomes(Map<Outcome, Long> outcomes) {
    ObjectNode node = JSON.createObjectNode();
    for (Outcome outcome : Outcome.values()) {
      node.put(outcome.reason(), outcomes.getOrDefault(outcome, 0L));
    }
    return node;
  }
}
