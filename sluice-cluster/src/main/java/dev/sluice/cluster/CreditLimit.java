package dev.sluice.cluster;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link GlobalLimit} held as local credit: {@link #tryAcquire} counts against {@link #allowed},
 * which the coordinator sets (the granted reservation, a degraded share, or the whole limit when
 * local). Count and share change under this object's lock, held only for a few instructions and
 * never while calling out, so a share lowered before a sync is never overrun.
 */
final class CreditLimit implements GlobalLimit {

  private final String name;
  private final long limit;
  private final FailurePolicy failurePolicy;
  private final Runnable onExhausted;
  private final Runnable onRelease;
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  // Written under the lock; volatile for the lock-free getters.
  private volatile long inUse;
  private volatile long allowed;
  private volatile long othersReserved;
  private boolean demand;
  private boolean demandSent;
  private long shareAtFailure;

  CreditLimit(
      String name,
      long limit,
      FailurePolicy failurePolicy,
      long initialAllowed,
      Runnable onExhausted,
      Runnable onRelease) {
    this.name = Checks.checkName("name", name);
    checkArgument(limit > 0, "limit: %s (expected: > 0)", limit);
    this.limit = limit;
    this.failurePolicy = failurePolicy;
    this.allowed = initialAllowed;
    this.onExhausted = onExhausted;
    this.onRelease = onRelease;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long limit() {
    return limit;
  }

  @Override
  public FailurePolicy failurePolicy() {
    return failurePolicy;
  }

  @Override
  public long inUse() {
    return inUse;
  }

  @Override
  public long allowed() {
    return allowed;
  }

  @Override
  public long othersReserved() {
    return othersReserved;
  }

  @Override
  public boolean tryAcquire() {
    synchronized (this) {
      if (inUse < allowed) {
        inUse++;
        return true;
      }
      demand = true;
    }
    onExhausted.run();
    return false;
  }

  @Override
  public void release() {
    synchronized (this) {
      if (inUse <= 0) {
        throw new IllegalStateException("release() of limit '" + name + "' with no unit held");
      }
      inUse--;
    }
    onRelease.run();
  }

  @Override
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * What to publish at a sync: {@code {inUse, want}}. Clears the demand flag, and lowers the share
   * to {@code max(inUse, want)} at once if that is less, so that no unit is taken beyond what Redis
   * will record.
   *
   * @param headroom units to ask for beyond those in use when there is demand
   * @param strict whether to ask for headroom only after a refusal (otherwise also while busy)
   * @param noGrowth whether to ask for no more than the current share (rejoining after an outage)
   */
  synchronized long[] prepareSync(long headroom, boolean strict, boolean noGrowth) {
    long used = inUse;
    boolean wanted = demand || (!strict && used > 0);
    demandSent = demand;
    demand = false;
    long want = wanted ? Math.min(limit, used + headroom) : used;
    if (noGrowth) {
      want = Math.min(want, Math.max(used, allowed));
    }
    want = Math.max(want, used);
    if (want < allowed) {
      allowed = want;
    }
    return new long[] {used, want};
  }

  /** The sync failed: a refusal it carried still wants an answer. */
  synchronized void restoreDemand() {
    demand |= demandSent;
  }

  /** Whether there is anything to publish: units in use or held, or a refusal since the last. */
  synchronized boolean isActive() {
    return inUse > 0 || allowed > 0 || demand;
  }

  /** Remembers the current share as the starting point of a degraded period. */
  synchronized void markFailure() {
    shareAtFailure = allowed;
  }

  /** The share when the current degraded period began. */
  synchronized long shareAtFailure() {
    return shareAtFailure;
  }

  /**
   * Sets the share and what the others hold; runs the listeners if the share grew. A refusal the
   * last sync carried stays pending while the share leaves no room, so that every later sync asks
   * again: the controller retries a queued request only when woken, and only a growing share wakes
   * it.
   */
  void update(long newAllowed, long newOthersReserved) {
    long before;
    synchronized (this) {
      if (demandSent && newAllowed <= inUse) {
        demand = true;
      }
      othersReserved = newOthersReserved;
      before = allowed;
      allowed = newAllowed;
    }
    if (newAllowed > before) {
      for (Runnable listener : listeners) {
        listener.run();
      }
    }
  }

  @Override
  public String toString() {
    return "GlobalLimit("
        + name
        + ", limit="
        + limit
        + ", inUse="
        + inUse
        + ", allowed="
        + allowed
        + ")";
  }
}
