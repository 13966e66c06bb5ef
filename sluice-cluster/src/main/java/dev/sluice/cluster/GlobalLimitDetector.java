package dev.sluice.cluster;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.SaturationDetector;

/**
 * A {@link SaturationDetector} that puts a global limit in front of a local one: a request is
 * dispatched only if this replica's share of the limit has room and the local detector (the
 * backend's own view: concurrency, utilisation) lets it through. The flow controller needs no
 * change: give it this detector instead of the local one.
 *
 * <p>{@link #saturation()} is the larger of the local saturation and this replica's view of global
 * usage, {@code (inUse + othersReserved) / limit}, so that priority holdback ceilings apply to the
 * whole fleet's load. When the share grows the controller is woken through {@link #addListener}.
 *
 * <p>Only limits that every request counts against belong here (the pool's concurrency): a refusal
 * stops the whole band, so a per-flow limit here would block the band's other flows too.
 */
public final class GlobalLimitDetector implements SaturationDetector {
  private final SaturationDetector local;
  private final GlobalLimit limit;

  private GlobalLimitDetector(SaturationDetector local, GlobalLimit limit) {
    this.local = local;
    this.limit = limit;
  }

  /** {@code local} gated by {@code limit}, counted in requests. */
  public static GlobalLimitDetector of(SaturationDetector local, GlobalLimit limit) {
    return new GlobalLimitDetector(local, limit);
  }

  /** The global limit this detector gates on. */
  public GlobalLimit limit() {
    return limit;
  }

  @Override
  public double saturation() {
    double global = (double) (limit.inUse() + limit.othersReserved()) / limit.limit();
    return Math.max(local.saturation(), global);
  }

  @Override
  public boolean tryDispatch(FlowRequest request, double ceiling) {
    if (!limit.tryAcquire()) {
      return false;
    }
    if (!local.tryDispatch(request, ceiling)) {
      limit.release();
      return false;
    }
    return true;
  }

  @Override
  public boolean holdsFor(FlowRequest request) {
    return local.holdsFor(request);
  }

  @Override
  public void onFinished(FlowRequest request) {
    local.onFinished(request);
    limit.release();
  }

  @Override
  public void addListener(Runnable listener) {
    local.addListener(listener);
    limit.addListener(listener);
  }

  @Override
  public String toString() {
    return "global(" + limit.name() + " of " + limit.limit() + ", " + local + ")";
  }
}
