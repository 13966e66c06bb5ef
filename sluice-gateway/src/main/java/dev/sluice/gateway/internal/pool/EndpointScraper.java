package dev.sluice.gateway.internal.pool;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.config.GatewayConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scraping loop per endpoint: reads the backend's {@code /metrics}, feeds the pool's
 * utilization snapshots and the endpoint's slot estimate, marks an endpoint that refused a
 * connection usable again once a scrape succeeds, and tells the scrape listeners. The next scrape
 * of an endpoint is scheduled when the last one ended (successfully or not), {@code scrapeInterval}
 * later on the given {@link Scheduler}; a failed scrape changes nothing, so the endpoint goes stale
 * after the staleness threshold.
 *
 * <p>Thread-safe. Scrapes complete on the client factory's event loops; {@link #close()} stops the
 * loops.
 */
final class EndpointScraper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointScraper.class);

  private final EndpointPool pool;
  private final @Nullable ReturningFlows returning;
  private final Scheduler timer;
  private final Map<String, WebClient> scrapers;
  private final List<BiConsumer<Endpoint, @Nullable String>> listeners =
      new CopyOnWriteArrayList<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Scrapes {@code pool}'s endpoints through {@code factory}, one every {@code scrapeInterval} on
   * {@code timer}; {@code returning} (if any) says whether flows are waiting for slots.
   */
  EndpointScraper(
      EndpointPool pool,
      GatewayConfig config,
      ClientFactory factory,
      Scheduler timer,
      @Nullable ReturningFlows returning) {
    this.pool = pool;
    this.returning = returning;
    this.timer = timer;
    Map<String, WebClient> clients = new HashMap<>();
    for (GatewayConfig.Backend backend : config.backends()) {
      clients.put(
          backend.name(),
          WebClient.builder(backend.url())
              .factory(factory)
              .responseTimeoutMillis(config.saturation().scrapeTimeout().toMillis())
              .build());
    }
    this.scrapers = Map.copyOf(clients);
  }

  /** Starts one scraping loop per endpoint. */
  void start() {
    for (Endpoint endpoint : pool.endpoints()) {
      scrape(endpoint);
    }
  }

  /** Calls {@code listener} after every scrape with the endpoint and the error, if any. */
  void addListener(BiConsumer<Endpoint, @Nullable String> listener) {
    listeners.add(listener);
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
        long now = pool.ticker().read();
        synchronized (pool.lock()) {
          // Work waiting in the gateway, or turned away by the gate, is demand for more slots.
          boolean wantedMore = endpoint.starved || (returning != null && returning.queued() > 0);
          endpoint.slots.observe(
              engine.runningRequests(),
              engine.waitingRequests(),
              engine.kvCacheUtilization() >= pool.settings().kvCacheUtilThreshold(),
              endpoint.inFlightDuringScrape(),
              wantedMore,
              now);
          endpoint.starved = false;
        }
        endpoint.refusing(false);
        pool.metrics()
            .update(
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
    for (BiConsumer<Endpoint, @Nullable String> listener : listeners) {
      try {
        listener.accept(endpoint, error);
      } catch (RuntimeException e) {
        log.warn("Scrape listener failed", e);
      }
    }
    // The loop stops through `closed`, not by cancelling: the timer is not needed.
    Scheduler.Cancellable unused =
        timer.schedule(() -> scrape(endpoint), pool.settings().scrapeInterval().toNanos());
  }

  /** Stops scraping. Clients belong to the factory's owner. */
  @Override
  public void close() {
    closed = true;
  }
}
