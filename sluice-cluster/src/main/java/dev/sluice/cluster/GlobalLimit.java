package dev.sluice.cluster;

/**
 * One replica's view of a limit shared by all replicas, for example the pool's concurrency: a local
 * counter of the units this replica holds, admitted only within the share the coordinator allows
 * it.
 *
 * <p>{@link #tryAcquire} and {@link #release} are quick and never block or touch the network: they
 * work on local state, and when the share runs out they only ask the coordinator, in the
 * background, for more. Listeners run when the share grows. Thread-safe.
 */
public interface GlobalLimit {

  /** The name the limit is shared under, for example {@code pool}. */
  String name();

  /** The configured global limit: the most units all replicas together may hold. */
  long limit();

  /** What this limit does while the coordinator is {@link Mode#DEGRADED}. */
  FailurePolicy failurePolicy();

  /** Units this replica holds now. */
  long inUse();

  /** Units this replica may hold now: its granted share, or its degraded share. */
  long allowed();

  /**
   * Units the other live replicas held at the last sync (0 in {@link Mode#LOCAL}), so that {@code
   * inUse() + othersReserved()} is this replica's view of global usage.
   */
  long othersReserved();

  /**
   * Takes one unit if this replica's share has room. When it has none, returns false and asks the
   * coordinator for more without waiting; the {@link #addListener listeners} run once the share
   * grows.
   */
  boolean tryAcquire();

  /**
   * Returns one unit taken by {@link #tryAcquire}.
   *
   * @throws IllegalStateException if no unit is held
   */
  void release();

  /** Registers {@code listener} to run (on any thread) whenever {@link #allowed()} grows. */
  void addListener(Runnable listener);
}
