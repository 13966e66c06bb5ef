package dev.sluice.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.metrics.FlowMetrics;
import dev.sluice.gateway.pool.Endpoint;
import dev.sluice.gateway.pool.EndpointPool;
import java.util.Comparator;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The admin endpoints' answers. Stateless and thread-safe; reads live objects on each call. */
final class AdminService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FlowController controller;
  private final EndpointPool pool;
  private final FlowMetrics metrics;
  private final BooleanSupplier draining;

  AdminService(FlowController controller, EndpointPool pool, FlowMetrics metrics,
      BooleanSupplier draining) {
    this.controller = controller;
    this.pool = pool;
    this.metrics = metrics;
    this.draining = draining;
  }

  HttpResponse metrics() {
    return HttpResponse.of(HttpStatus.OK,
        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), metrics.scrape());
  }

  /** Liveness and readiness: 200 while serving, 503 once shutdown began. */
  HttpResponse health() {
    ObjectNode body = JSON.createObjectNode();
    boolean down = draining.getAsBoolean();
    body.put("status", down ? "shutting-down" : "ok");
    body.put("freshEndpoints", pool.endpoints().stream().filter(pool::isFresh).count());
    return HttpResponse.of(down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK,
        MediaType.JSON_UTF_8, body.toString());
  }

  /** Readiness for a load balancer: also 503 while no endpoint has fresh metrics. */
  HttpResponse ready() {
    boolean ok = !draining.getAsBoolean() && pool.hasFreshEndpoint();
    ObjectNode body = JSON.createObjectNode();
    body.put("status", ok ? "ready" : draining.getAsBoolean() ? "shutting-down" : "no-endpoints");
    return HttpResponse.of(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
        MediaType.JSON_UTF_8, body.toString());
  }

  HttpResponse flows() {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, flowsJson().toPrettyString());
  }

  ObjectNode flowsJson() {
    FlowStats stats = controller.stats();
    ObjectNode root = JSON.createObjectNode();
    root.put("queuedRequests", stats.queuedRequests());
    root.put("queuedBytes", stats.queuedBytes());
    root.put("inFlightRequests", stats.inFlightRequests());
    root.put("shards", stats.shards());
    root.put("saturation", pool.gate().saturation());
    root.set("outcomes", outcomes(stats.outcomes()));
    ArrayNode bands = root.putArray("bands");
    for (FlowStats.BandStats band : stats.bands()) {
      ObjectNode b = bands.addObject();
      b.put("priority", band.priority());
      b.put("dynamic", band.dynamic());
      b.put("queuedRequests", band.queuedRequests());
      b.put("queuedBytes", band.queuedBytes());
      b.put("inFlightRequests", band.inFlightRequests());
      b.set("outcomes", outcomes(band.outcomes()));
      ArrayNode flows = b.putArray("flows");
      band.flows().values().stream()
          .sorted(Comparator.comparing(flow -> flow.key().id()))
          .forEach(flow -> {
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
