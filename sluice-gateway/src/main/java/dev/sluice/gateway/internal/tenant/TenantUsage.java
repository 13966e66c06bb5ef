package dev.sluice.gateway.internal.tenant;

import com.linecorp.armeria.common.HttpStatus;
import dev.sluice.gateway.config.Tenant;
import dev.sluice.gateway.internal.proxy.Errors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's requests in the gateway now: queued, and in all (queued or in flight), held to its
 * {@code maxQueuedRequests} and {@code maxConcurrentRequests}. Thread-safe and lock-free: a limit
 * is never passed, even by requests arriving at once.
 */
final class TenantUsage {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * Counts one more request of {@code tenant}, queued.
   *
   * @throws TenantResolver.Refused with a 429 if that would pass one of the tenant's limits
   */
  Lease acquire(Tenant tenant, Duration retryAfter) throws TenantResolver.Refused {
    if (!take(open, tenant.maxConcurrentRequests())) {
      throw overLimit(tenant, "maxConcurrentRequests", tenant.maxConcurrentRequests(), retryAfter);
    }
    if (!take(queued, tenant.maxQueuedRequests())) {
      open.decrementAndGet();
      throw overLimit(tenant, "maxQueuedRequests", tenant.maxQueuedRequests(), retryAfter);
    }
    return new Lease(this);
  }

  private static boolean take(AtomicInteger counter, int limit) {
    int now;
    do {
      now = counter.get();
      if (limit > 0 && now >= limit) {
        return false;
      }
    } while (!counter.compareAndSet(now, now + 1));
    return true;
  }

  private static TenantResolver.Refused overLimit(
      Tenant tenant, String limit, int value, Duration retryAfter) {
    return new TenantResolver.Refused(
        Errors.response(
            HttpStatus.TOO_MANY_REQUESTS,
            TenantResolver.TENANT_LIMIT,
            "Tenant " + tenant.id() + " is at its " + limit + " of " + value + "; try later.",
            "rate_limit_error",
            null,
            retryAfter));
  }

  /** What one request holds: its place in the queue and in the gateway, each given back once. */
  static final class Lease {
    private final TenantUsage usage;
    private final AtomicBoolean inQueue = new AtomicBoolean(true);
    private final AtomicBoolean held = new AtomicBoolean(true);

    Lease(TenantUsage usage) {
      this.usage = usage;
    }

    /** The request left the queue: dispatched or ended. */
    void dequeued() {
      if (inQueue.compareAndSet(true, false)) {
        usage.queued.decrementAndGet();
      }
    }

    /** The request is over. */
    void close() {
      dequeued();
      if (held.compareAndSet(true, false)) {
        usage.open.decrementAndGet();
      }
    }
  }
}
