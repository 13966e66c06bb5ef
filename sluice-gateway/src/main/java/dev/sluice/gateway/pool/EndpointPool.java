package dev.sluice.gateway.pool;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.flow.saturation.UtilizationDetector;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.config.GatewayConfig.DetectorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends behind the gateway: scrapes each one's {@code /metrics}, decides which are fresh,
 * picks the least-loaded fresh endpoint for each dispatched request, and provides the
 * {@link #gate() saturation detector} the flow controller dispatches by.
 *
 * <p><b>Freshness.</b> An endpoint is fresh while its last successful scrape is younger than the
 * staleness threshold (on the injected {@link Ticker}). A failed scrape changes nothing, so an
 * endpoint whose scrapes keep failing goes stale after the threshold and gets no new work.
 *
 * <p><b>Picking.</b> Among fresh endpoints below the thresholds (all fresh ones if none is), the
 * one with the lowest {@code max(waiting / queueDepthThreshold, kv / kvCacheUtilThreshold) +
 * inFlight / queueDepthThreshold}, where {@code inFlight} is this gateway's open requests on it;
 * ties go to the endpoint that was sent the fewest requests.
 *
 * <p><b>The gate.</b> {@code utilization}: the core {@link UtilizationDetector}'s pool saturation
 * plus the requests dispatched since each endpoint's last scrape (which its metrics cannot show
 * yet), counted as waiting requests; without this correction every queued request would be
 * released in the 50 ms between two scrapes. {@code concurrency}: the core
 * {@link ConcurrencyDetector}. Either way the pool is saturated while no endpoint is fresh.
 *
 * <p>Thread-safe. Scrapes run on the client factory's event loops; {@link #close()} stops them.
 */
public final class EndpointPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

  private final List<Endpoint> endpoints;
  private final Map<String, Endpoint> byName;
  private final Map<String, WebClient> scrapers;
  private final GatewayConfig.Saturation settings;
  private final Ticker ticker;
  private final ScheduledExecutorService timer;
  private final UtilizationDetector metrics;
  private final SaturationDetector gate;
  private final AtomicInteger pendingPicks = new AtomicInteger();
  private final List<BiConsumer<Endpoint, String>> scrapeListeners = new CopyOnWriteArrayList<>();
  private final Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates a pool; call {@link #start()} to begin scraping.
   *
   * @param factory the client factory for backend and scrape connections; the caller owns it
   */
  public EndpointPool(GatewayConfig config, Ticker ticker, ClientFactory factory) {
    this.settings = config.saturation();
    this.ticker = ticker;
    this.timer = factory.eventLoopGroup();
    this.metrics = UtilizationDetector.builder(ticker)
        .queueDepthThreshold(settings.queueDepthThreshold())
        .kvCacheUtilThreshold(settings.kvCacheUtilThreshold())
        .staleness(settings.staleness())
        .headroom(settings.headroom())
        .build();
    List<Endpoint> list = new ArrayList<>();
    Map<String, Endpoint> names = new java.util.LinkedHashMap<>();
    Map<String, WebClient> scrapeClients = new java.util.HashMap<>();
    for (Backend backend : config.backends()) {
      WebClient client = WebClient.builder(backend.url())
          .factory(factory)
          .responseTimeoutMillis(config.upstream().responseTimeout().toMillis())
          .maxResponseLength(0)
          .build();
      Endpoint endpoint = new Endpoint(backend.name(), client, backend.metricsPath());
      list.add(endpoint);
      names.put(endpoint.name(), endpoint);
      scrapeClients.put(endpoint.name(), WebClient.builder(backend.url())
          .factory(factory)
          .responseTimeoutMillis(settings.scrapeTimeout().toMillis())
          .build());
    }
    this.endpoints = List.copyOf(list);
    this.byName = Map.copyOf(names);
    this.scrapers = Map.copyOf(scrapeClients);
    this.gate = settings.detector() == DetectorKind.UTILIZATION
        ? new UtilizationGate()
        : new ConcurrencyGate(ConcurrencyDetector.of(settings.maxConcurrency(),
            settings.maxTokenConcurrency()));
  }

  /** Starts one scraping loop per endpoint. */
  public EndpointPool start() {
    for (Endpoint endpoint : endpoints) {
      scrape(endpoint);
    }
    return this;
  }

  /** The endpoints, in configuration order. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The detector to give the flow controller. */
  public SaturationDetector gate() {
    return gate;
  }

  /** The latest metrics per endpoint, as the core detector holds them. */
  public UtilizationDetector metrics() {
    return metrics;
  }

  /** Whether {@code endpoint}'s metrics are fresh. */
  public boolean isFresh(Endpoint endpoint) {
    return metrics.isFresh(endpoint.name());
  }

  /** Whether any endpoint has fresh metrics. */
  public boolean hasFreshEndpoint() {
    for (Endpoint endpoint : endpoints) {
      if (metrics.isFresh(endpoint.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The last moment any endpoint was fresh: the newest snapshot's time plus the staleness
   * threshold (in the future while one is fresh), or {@link Long#MIN_VALUE} if none ever reported.
   */
  public long lastFreshNanos() {
    long newest = Long.MIN_VALUE;
    for (UtilizationDetector.EndpointMetrics snapshot : metrics.snapshots().values()) {
      if (byName.containsKey(snapshot.endpoint())) {
        newest = Math.max(newest, snapshot.timestampNanos());
      }
    }
    return newest == Long.MIN_VALUE ? newest : newest + settings.staleness().toNanos();
  }

  /**
   * Calls {@code listener} after every scrape with the endpoint and {@code null} on success or the
   * error. Called on an event loop; must be quick.
   */
  public void addScrapeListener(BiConsumer<Endpoint, String> listener) {
    scrapeListeners.add(listener);
  }

  /**
   * Picks the endpoint for one dispatched request and counts it in flight there; the caller must
   * {@link #release} it when the response ends. Call exactly once per dispatched request, even if
   * it is then abandoned ({@link #abandon()}).
   *
   * @return the endpoint, or {@code null} if none is fresh
   */
  public Endpoint pick() {
    decrementPending();
    return pickUncounted();
  }

  /**
   * Picks an endpoint for a request the flow controller did not dispatch (one without a body),
   * counting it in flight there; the caller must {@link #release} it.
   *
   * @return the endpoint, or {@code null} if none is fresh
   */
  public Endpoint pickUncounted() {
    List<String> candidates = metrics.availableEndpoints();
    Map<String, EndpointMetrics> snapshots = candidates.isEmpty() ? Map.of() : metrics.snapshots();
    Endpoint best = null;
    double bestLoad = Double.MAX_VALUE;
    for (String name : candidates) {
      Endpoint endpoint = byName.get(name);
      EndpointMetrics m = snapshots.get(name);
      if (endpoint == null || m == null) {
        continue;
      }
      double load = Math.max((double) m.waitingRequests() / settings.queueDepthThreshold(),
          m.kvCacheUtilization() / settings.kvCacheUtilThreshold())
          + (double) endpoint.inFlight() / settings.queueDepthThreshold();
      if (best == null || load < bestLoad
          || (load == bestLoad && endpoint.dispatched() < best.dispatched())) {
        best = endpoint;
        bestLoad = load;
      }
    }
    if (best != null) {
      best.acquire();
    }
    return best;
  }

  /** A dispatched request will not be sent anywhere (its client left first). */
  public void abandon() {
    decrementPending();
  }

  /** A request sent to {@code endpoint} ended. */
  public void release(Endpoint endpoint) {
    endpoint.release();
  }

  private void decrementPending() {
    pendingPicks.updateAndGet(n -> Math.max(0, n - 1));
  }

  private void scrape(Endpoint endpoint) {
    if (closed) {
      return;
    }
    endpoint.scrapeStarted();
    scrapers.get(endpoint.name()).get(endpoint.metricsPath()).aggregate()
        .handle((response, cause) -> {
          onScraped(endpoint, response, cause);
          return null;
        });
  }

  private void onScraped(Endpoint endpoint, AggregatedHttpResponse response, Throwable cause) {
    if (closed) {
      return;
    }
    String error = null;
    try {
      if (cause != null) {
        error = cause.toString();
      } else if (response.status() != HttpStatus.OK) {
        error = "status " + response.status().code();
      } else {
        EngineMetrics engine = EngineMetrics.parse(response.contentUtf8());
        metrics.update(new EndpointMetrics(endpoint.name(), engine.waitingRequests(),
            engine.kvCacheUtilization(), ticker.read()));
      }
    } catch (RuntimeException e) {
      error = e.getMessage();
    }
    endpoint.scrapeResult(error);
    if (error != null && failing.add(endpoint.name())) {
      log.warn("Scraping {} failed: {}; it gets no new work once its metrics are stale",
          endpoint.name(), error);
    } else if (error == null && failing.remove(endpoint.name())) {
      log.info("Scraping {} works again", endpoint.name());
    }
    for (BiConsumer<Endpoint, String> listener : scrapeListeners) {
      try {
        listener.accept(endpoint, error);
      } catch (RuntimeException e) {
        log.warn("Scrape listener failed", e);
      }
    }
    timer.schedule(() -> scrape(endpoint), settings.scrapeInterval().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops scraping. Clients belong to the factory's owner. */
  @Override
  public void close() {
    closed = true;
  }

  private boolean noneFresh() {
    return !hasFreshEndpoint();
  }

  /** {@code utilization} with the not-yet-scraped requests counted as waiting. */
  private final class UtilizationGate implements SaturationDetector {
    @Override
    public double saturation() {
      double base = metrics.saturation();
      if (noneFresh()) {
        return Math.max(1.0, base);
      }
      int unreported = pendingPicks.get();
      for (Endpoint endpoint : endpoints) {
        unreported += endpoint.unreported();
      }
      return base + (double) unreported / settings.queueDepthThreshold() / endpoints.size();
    }

    @Override
    public void onDispatched(FlowRequest request) {
      pendingPicks.incrementAndGet();
    }

    @Override
    public void addListener(Runnable listener) {
      metrics.addListener(listener);
    }

    @Override
    public String toString() {
      return metrics + "+unreported";
    }
  }

  /** {@code concurrency}, closed while no endpoint is fresh. */
  private final class ConcurrencyGate implements SaturationDetector {
    private final ConcurrencyDetector delegate;

    ConcurrencyGate(ConcurrencyDetector delegate) {
      this.delegate = delegate;
    }

    @Override
    public double saturation() {
      double base = delegate.saturation();
      return noneFresh() ? Math.max(1.0, base) : base;
    }

    @Override
    public void onDispatched(FlowRequest request) {
      pendingPicks.incrementAndGet();
      delegate.onDispatched(request);
    }

    @Override
    public void onFinished(FlowRequest request) {
      delegate.onFinished(request);
    }

    @Override
    public void addListener(Runnable listener) {
      // New metrics may make an endpoint fresh again: wake the controller on every scrape.
      metrics.addListener(listener);
      delegate.addListener(listener);
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
