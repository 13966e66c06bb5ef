package dev.sluice.gateway.internal.proxy;

import dev.sluice.flow.Admission;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.internal.pool.EndpointPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Fails a queued request with {@link NoEndpointsException} once no endpoint has been fresh for the
 * no-endpoint TTL while it waited, on the injected ticker and scheduler. Thread-safe; one instance
 * watches every queued request.
 */
final class NoEndpointWatch {

  private final EndpointPool pool;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final Duration noEndpointTtl;

  NoEndpointWatch(EndpointPool pool, Ticker ticker, Scheduler scheduler, Duration noEndpointTtl) {
    this.pool = pool;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.noEndpointTtl = noEndpointTtl;
  }

  /**
   * Fails a queued request with 503 once no endpoint has been fresh for the no-endpoint TTL while
   * it waited, whether the pool was empty when it arrived or went stale later. Checks again at the
   * earliest moment that could be true, so a long wait with healthy endpoints costs one timer per
   * TTL period.
   */
  void watch(Exchange exchange, CompletableFuture<Admission> admission, long receivedNanos) {
    long ttl = noEndpointTtl.toNanos();
    long now = ticker.read();
    long withoutSince = Math.max(pool.lastFreshNanos(), receivedNanos);
    long delay = pool.hasFreshEndpoint() ? ttl : withoutSince + ttl - now;
    exchange.noEndpointTimer =
        scheduler.schedule(
            () -> {
              if (admission.isDone() || exchange.isFinished()) {
                return;
              }
              long at = ticker.read();
              if (!pool.hasFreshEndpoint()
                  && at - Math.max(pool.lastFreshNanos(), receivedNanos) >= ttl) {
                admission.completeExceptionally(new NoEndpointsException());
              } else {
                watch(exchange, admission, receivedNanos);
              }
            },
            delay);
  }

  /** The queue wait ran out while no endpoint had fresh metrics. */
  static final class NoEndpointsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoEndpointsException() {
      super("no endpoints", null, false, false);
    }
  }
}
