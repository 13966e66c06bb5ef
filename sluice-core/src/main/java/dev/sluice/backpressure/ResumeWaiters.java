package dev.sluice.backpressure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The paused producers' {@link BackpressureController#awaitResume()} futures. Invariant: a waiter
 * is in the set only while it is incomplete: the controller completes a waiter ({@link
 * Waiter#wake}, {@link Waiter#fail}) only after {@link #takeAll} took it out, and a waiter
 * completed by anyone else (cancel, {@code orTimeout}, {@code complete}) withdraws itself, so waits
 * that time out during a long pause do not pile up.
 *
 * <p>Guarded by the lock given to the constructor (the controller's): call {@link #add}, {@link
 * #takeAll} and {@link #size} holding it, and complete taken waiters after releasing it.
 */
final class ResumeWaiters {
  private final Object lock;
  private final Set<Waiter> waiters = new LinkedHashSet<>();

  ResumeWaiters(Object lock) {
    this.lock = lock;
  }

  /** A new waiter, in the set until taken or withdrawn. */
  CompletableFuture<Void> add() {
    Waiter waiter = new Waiter();
    waiters.add(waiter);
    return waiter;
  }

  /** Takes every waiter out of the set, for the caller to complete once it released the lock. */
  List<Waiter> takeAll() {
    if (waiters.isEmpty()) {
      return List.of();
    }
    List<Waiter> taken = new ArrayList<>(waiters);
    waiters.clear();
    return taken;
  }

  /** The waiters not yet taken, completed or cancelled. */
  int size() {
    return waiters.size();
  }

  /** A paused producer's wait. */
  final class Waiter extends CompletableFuture<Void> {
    private Waiter() {}

    /** Completes a taken waiter normally. */
    void wake() {
      super.complete(null);
    }

    /** Fails a taken waiter. */
    void fail(Throwable cause) {
      super.completeExceptionally(cause);
    }

    @Override
    public boolean complete(@Nullable Void value) {
      withdraw();
      return super.complete(null);
    }

    @Override
    public boolean completeExceptionally(Throwable cause) {
      withdraw();
      return super.completeExceptionally(cause);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      withdraw();
      return super.cancel(mayInterruptIfRunning);
    }

    /**
     * Leaves the set before completing, so that whoever sees this waiter done also sees it gone (an
     * {@code orTimeout} fires on another thread). Harmless if it was already taken: a waiter
     * already complete is not in the set.
     */
    private void withdraw() {
      synchronized (lock) {
        waiters.remove(this);
      }
    }
  }
}
