package dev.sluice.gateway.internal.pool;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Scheduler;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends behind the gateway: scrapes each one's {@code /metrics}, decides which are fresh,
 * provides the {@link #gate() saturation detector} the flow controller dispatches by, and places
 * each dispatched request on an endpoint in the same step.
 *
 * <p><b>Freshness.</b> An endpoint is fresh while its last successful scrape is younger than the
 * staleness threshold (on the injected {@link Ticker}) and it has not refused a connection since. A
 * failed scrape changes nothing, so an endpoint whose scrapes keep failing goes stale after the
 * threshold; one that refuses a connection is out at once, until a scrape succeeds again.
 *
 * <p><b>The gate.</b> Whatever the detector, the gate counts a dispatch and reserves its endpoint
 * under one lock, and refuses while no endpoint is fresh: a request is never dispatched with
 * nowhere to go; it keeps waiting (up to the no-endpoint TTL) instead.
 *
 * <ul>
 *   <li>{@code slots} (the default): a backend gets new work only while it has a free running slot,
 *       so requests wait in the gateway's queue, where priority and fairness decide, and not in the
 *       backends' FIFO queues. Each endpoint's slots are learned from its metrics ({@link
 *       SlotEstimate}); a slot frees the moment a response ends, without waiting for a scrape, so
 *       no slot idles while work waits, except a slot held for a flow that comes straight back
 *       ({@link ReturningFlows}, at most {@code slotHold}). The request goes to the fresh endpoint
 *       with the most free slots. On a backend with {@code enginePriority} a slot that a
 *       lower-priority request holds is free to a higher-priority one: the engine preempts ({@link
 *       SlotGate}).
 *   <li>{@code utilization}: GIE's formula, the core {@link UtilizationDetector}'s pool saturation
 *       plus the requests dispatched since each endpoint's last scrape, counted as waiting (without
 *       that, everything queued would be released between two scrapes). The request goes to the
 *       fresh endpoint below the thresholds (all fresh ones if none is) with the lowest {@code
 *       max(waiting / queueDepthThreshold, kv / kvCacheUtilThreshold) + inFlight /
 *       queueDepthThreshold}.
 *   <li>{@code concurrency}: the core {@link ConcurrencyDetector}; placed as for utilization.
 * </ul>
 *
 * Ties go to the endpoint that was sent the fewest requests.
 *
 * <p>Thread-safe. The lock is a leaf: nothing is called under it but the endpoint bookkeeping.
 * Scrapes run on the client factory's event loops; {@link #close()} stops them.
 */
public final class EndpointPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

  private final List<Endpoint> endpoints;
  private final Map<String, Endpoint> byName;
  private final Map<String, WebClient> scrapers;
  private final GatewayConfig.Saturation settings;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final ScheduledExecutorService timer;
  private final UtilizationDetector metrics;
  private final PoolGate gate;
  private final Object lock = new Object();

  /** Slots held for returning flows; {@code null} unless the detector is {@code slots}. */
  private final @Nullable ReturningFlows returning;

  private final List<Runnable> wakeUps = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<Endpoint, @Nullable String>> scrapeListeners =
      new CopyOnWriteArrayList<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates a pool; call {@link #start()} to begin scraping.
   *
   * @param scheduler wakes the flow controller when a held slot is given up
   * @param factory the client factory for backend and scrape connections; the caller owns it
   */
  public EndpointPool(
      GatewayConfig config, Ticker ticker, Scheduler scheduler, ClientFactory factory) {
    this.settings = config.saturation();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.timer = factory.eventLoopGroup();
    this.metrics =
        UtilizationDetector.builder(ticker)
            .queueDepthThreshold(settings.queueDepthThreshold())
            .kvCacheUtilThreshold(settings.kvCacheUtilThreshold())
            .staleness(settings.staleness())
            .headroom(settings.headroom())
            .build();
    List<Endpoint> list = new ArrayList<>();
    Map<String, Endpoint> names = new java.util.LinkedHashMap<>();
    Map<String, WebClient> scrapeClients = new java.util.HashMap<>();
    for (Backend backend : config.backends()) {
      WebClient client =
          WebClient.builder(backend.url())
              .factory(factory)
              .responseTimeoutMillis(config.upstream().responseTimeout().toMillis())
              .maxResponseLength(0)
              .build();
      Endpoint endpoint =
          new Endpoint(backend.name(), client, backend.metricsPath(), backend.enginePriority());
      list.add(endpoint);
      names.put(endpoint.name(), endpoint);
      scrapeClients.put(
          endpoint.name(),
          WebClient.builder(backend.url())
              .factory(factory)
              .responseTimeoutMillis(settings.scrapeTimeout().toMillis())
              .build());
    }
    this.endpoints = List.copyOf(list);
    this.byName = Map.copyOf(names);
    this.scrapers = Map.copyOf(scrapeClients);
    metrics.addListener(this::wakeUp);
    ReturningFlows held =
        settings.detector() == DetectorKind.SLOTS
            ? new ReturningFlows(settings.slotHold().toNanos())
            : null;
    this.returning = held;
    this.gate =
        switch (settings.detector()) {
          case SLOTS -> new SlotGate(this, Objects.requireNonNull(held));
          case UTILIZATION -> new UtilizationGate(this);
          case CONCURRENCY ->
              new ConcurrencyGate(
                  this,
                  ConcurrencyDetector.of(
                      settings.maxConcurrency(), settings.maxTokenConcurrency()));
        };
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

  /** The listener to give the flow controller: it tells the gate which flows have work queued. */
  public FlowControlListener listener() {
    return new FlowControlListener() {
      @Override
      public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
        if (returning != null) {
          synchronized (lock) {
            returning.left(request.flowKey());
          }
        }
      }
    };
  }

  /** The latest metrics per endpoint, as the core detector holds them. */
  public UtilizationDetector metrics() {
    return metrics;
  }

  /** Whether {@code endpoint} may get new work: fresh metrics, and no refused connection since. */
  public boolean isFresh(Endpoint endpoint) {
    return !endpoint.isRefusing() && metrics.isFresh(endpoint.name());
  }

  /** Whether any endpoint is fresh. */
  public boolean hasFreshEndpoint() {
    for (Endpoint endpoint : endpoints) {
      if (isFresh(endpoint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The last moment any endpoint was fresh: the newest snapshot's time plus the staleness threshold
   * (in the future while one is fresh), or {@link Long#MIN_VALUE} if none ever reported.
   */
  public long lastFreshNanos() {
    long newest = Long.MIN_VALUE;
    for (UtilizationDetector.EndpointMetrics snapshot : metrics.snapshots().values()) {
      Endpoint endpoint = byName.get(snapshot.endpoint());
      if (endpoint != null && !endpoint.isRefusing()) {
        newest = Math.max(newest, snapshot.timestampNanos());
      }
    }
    return newest == Long.MIN_VALUE ? newest : newest + settings.staleness().toNanos();
  }

  /**
   * Calls {@code listener} after every scrape with the endpoint and {@code null} on success or the
   * error. Called on an event loop; must be quick.
   */
  public void addScrapeListener(BiConsumer<Endpoint, @Nullable String> listener) {
    scrapeListeners.add(listener);
  }

  /**
   * A flow-controlled request arrived and is about to be submitted: call once per request, before
   * {@code submit}, so that the gate knows which flows have work waiting.
   */
  public void arrived(FlowRequest request) {
    if (returning != null) {
      synchronized (lock) {
        returning.arrived(request.flowKey(), ticker.read());
      }
    }
  }

  /**
   * The endpoint {@code request}'s dispatch reserved, or {@code null} if it has none (its admission
   * already closed, or every endpoint refused it).
   */
  public @Nullable Endpoint placed(FlowRequest request) {
    return placementOf(request).endpoint();
  }

  /**
   * {@code failed} refused the connection for {@code request} (nothing was sent): takes {@code
   * failed} out until its next successful scrape and moves the request to another fresh endpoint,
   * even a full one (the request is already dispatched).
   *
   * @return the new endpoint, or {@code null} if there is no other fresh endpoint
   */
  public @Nullable Endpoint replace(FlowRequest request, Endpoint failed) {
    if (!failed.isRefusing()) {
      failed.refusing(true);
      log.warn("{} refused a connection; it gets no new work until a scrape succeeds", failed);
    }
    Placement placement = placementOf(request);
    synchronized (lock) {
      Endpoint current = placement.endpoint();
      if (current != failed) {
        return current; // closed meanwhile (null), or already moved
      }
      int priority = request.flowKey().priority();
      failed.release(priority);
      Endpoint next = gate.choose(true, priority);
      if (next != null) {
        next.acquire(priority);
      }
      placement.endpoint(next);
      return next;
    }
  }

  /**
   * Picks an endpoint for a request the flow controller does not see (one without a body), counting
   * it in flight there; the caller must {@link #release} it.
   *
   * @return the endpoint, or {@code null} if none is fresh
   */
  public @Nullable Endpoint pickUncounted() {
    synchronized (lock) {
      Endpoint best = gate.choose(true, Integer.MIN_VALUE); // it preempts nothing
      if (best != null) {
        best.acquire();
      }
      return best;
    }
  }

  /** A request sent to {@code endpoint} by {@link #pickUncounted()} ended. */
  public void release(Endpoint endpoint) {
    synchronized (lock) {
      endpoint.release();
    }
  }

  static Placement placementOf(FlowRequest request) {
    if (request.payload() instanceof Placement placement) {
      return placement;
    }
    throw new IllegalArgumentException(
        "request "
            + request.id()
            + ": payload is not a Placement (expected: every gateway request carries one)");
  }

  // ---- for the gates, which share the pool's lock ----

  Object lock() {
    return lock;
  }

  GatewayConfig.Saturation settings() {
    return settings;
  }

  Ticker ticker() {
    return ticker;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The endpoint called {@code name}, or {@code null} if the pool has none. */
  @Nullable Endpoint endpoint(String name) {
    return byName.get(name);
  }

  void addWakeUp(Runnable listener) {
    wakeUps.add(listener);
  }

  /** Runs the flow controller's wake-up listeners: saturation may have dropped. */
  void wakeUp() {
    for (Runnable listener : wakeUps) {
      listener.run();
    }
  }

  private void scrape(Endpoint endpoint) {
    if (closed) {
      return;
    }
    endpoint.scrapeStarted();
    // onScraped handles every outcome, including failures, and schedules the next scrape.
    CompletableFuture<Void> unused =
        Objects.requireNonNull(scrapers.get(endpoint.name()), "every endpoint has a scraper")
            .get(endpoint.metricsPath())
            .aggregate()
            .handle(
                (response, cause) -> {
                  onScraped(endpoint, response, cause);
                  return null;
                });
  }

  private void onScraped(
      Endpoint endpoint, @Nullable AggregatedHttpResponse response, @Nullable Throwable cause) {
    if (closed) {
      return;
    }
    String error = null;
    try {
      if (cause != null || response == null) {
        error = String.valueOf(cause);
      } else if (!response.status().equals(HttpStatus.OK)) {
        error = "status " + response.status().code();
      } else {
        EngineMetrics engine = EngineMetrics.parse(response.contentUtf8());
        long now = ticker.read();
        synchronized (lock) {
          // Work waiting in the gateway, or turned away by the gate, is demand for more slots.
          boolean wantedMore = endpoint.starved || (returning != null && returning.queued() > 0);
          endpoint.slots.observe(
              engine.runningRequests(),
              engine.waitingRequests(),
              engine.kvCacheUtilization() >= settings.kvCacheUtilThreshold(),
              endpoint.inFlightDuringScrape(),
              wantedMore,
              now);
          endpoint.starved = false;
        }
        endpoint.refusing(false);
        metrics.update(
            new EndpointMetrics(
                endpoint.name(), engine.waitingRequests(), engine.kvCacheUtilization(), now));
      }
    } catch (RuntimeException e) {
      error = e.getMessage();
    }
    endpoint.scrapeResult(error);
    if (error != null && failing.add(endpoint.name())) {
      log.warn(
          "Scraping {} failed: {}; it gets no new work once its metrics are stale",
          endpoint.name(),
          error);
    } else if (error == null && failing.remove(endpoint.name())) {
      log.info("Scraping {} works again", endpoint.name());
    }
    for (BiConsumer<Endpoint, @Nullable String> listener : scrapeListeners) {
      try {
        listener.accept(endpoint, error);
      } catch (RuntimeException e) {
        log.warn("Scrape listener failed", e);
      }
    }
    // The loop stops through `closed`, not by cancelling: the future is not needed.
    ScheduledFuture<?> unused =
        timer.schedule(
            () -> scrape(endpoint), settings.scrapeInterval().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops scraping. Clients belong to the factory's owner. */
  @Override
  public void close() {
    closed = true;
  }
}
