package dev.sluice.gateway.internal.pool;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Outcome;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.flow.saturation.UtilizationDetector;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.config.SaturationConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *   <li>{@code utilization}: GIE's formula on the scraped metrics ({@link UtilizationGate}); placed
 *       by GIE's score ({@link EndpointPicker}).
 *   <li>{@code concurrency}: the core concurrency detector ({@link ConcurrencyGate}); placed as for
 *       utilization.
 * </ul>
 *
 * Ties go to the endpoint that was sent the fewest requests.
 *
 * <p>Thread-safe. The lock is a leaf: nothing is called under it but the endpoint bookkeeping.
 * Scrapes ({@link EndpointScraper}) run on the client factory's event loops; {@link #close()} stops
 * them.
 */
public final class EndpointPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointPool.class);

  private final List<Endpoint> endpoints;
  private final Map<String, Endpoint> byName;
  private final SaturationConfig settings;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final UtilizationDetector metrics;
  private final PoolGate gate;
  private final Object lock = new Object();

  /** Slots held for returning flows; {@code null} unless the detector is {@code slots}. */
  private final @Nullable ReturningFlows returning;

  private final EndpointScraper scraper;

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
    this.metrics =
        UtilizationDetector.builder(ticker)
            .queueDepthThreshold(settings.queueDepthThreshold())
            .kvCacheUtilThreshold(settings.kvCacheUtilThreshold())
            .staleness(settings.staleness())
            .headroom(settings.headroom())
            .build();
    List<Endpoint> list = new ArrayList<>();
    Map<String, Endpoint> names = new java.util.LinkedHashMap<>();
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
    }
    this.endpoints = List.copyOf(list);
    this.byName = Map.copyOf(names);
    ReturningFlows held =
        settings.detector() == SaturationConfig.Detector.SLOTS
            ? new ReturningFlows(settings.slotHold().toNanos())
            : null;
    this.returning = held;
    this.scraper =
        new EndpointScraper(this, config, factory, Scheduler.of(factory.eventLoopGroup()), held);
    this.gate = PoolGate.create(this, settings, held);
    metrics.addListener(gate::wakeUp);
  }

  /** Starts one scraping loop per endpoint. */
  public EndpointPool start() {
    scraper.start();
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
    scraper.addListener(listener);
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
    return Placement.of(request).endpoint();
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
    Placement placement = Placement.of(request);
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

  // ---- for the gates, which share the pool's lock ----

  Object lock() {
    return lock;
  }

  SaturationConfig settings() {
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

  /** Stops scraping. Clients belong to the factory's owner. */
  @Override
  public void close() {
    scraper.close();
  }
}
