package dev.sluice.tunnel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The agent tunnels connected to a server: registration, the next agent for a dial (round-robin,
 * skipping agents that announced DRAIN), waiting for a count, and the totals of tunnels that
 * closed, so that counters survive reconnects. Thread-safe.
 */
final class Agents implements TunnelMetrics.Tunnels {

  private final List<ServerLink> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Object changed = new Object();
  // Guarded by changed.
  private final long[] retired = new long[TunnelMetrics.Total.values().length];

  /** Makes {@code link} available to the frontends; it must be able to send already. */
  void register(ServerLink link) {
    if (link.isClosed()) {
      return; // cancelled before it was registered
    }
    links.add(link);
    signal();
    if (link.isClosed()) { // closed meanwhile: unregister may have run before the add
      unregister(link);
    }
  }

  /** Removes a closed tunnel, keeping its totals. Idempotent. */
  void unregister(ServerLink link) {
    if (links.remove(link)) {
      synchronized (changed) {
        for (TunnelMetrics.Total total : TunnelMetrics.Total.values()) {
          retired[total.ordinal()] += total.of(link);
        }
      }
    }
    signal();
  }

  /**
   * The next agent in turn that is not draining, or null if there is none (see {@link
   * #unavailable}).
   */
  @Nullable ServerLink pick() {
    List<ServerLink> snapshot = List.copyOf(links);
    int start = next.getAndIncrement();
    for (int i = 0; i < snapshot.size(); i++) {
      ServerLink link = snapshot.get(Math.floorMod(start + i, snapshot.size()));
      if (!link.isDraining()) {
        return link;
      }
    }
    return null;
  }

  /** Why {@link #pick} found no agent: none connected, or every connected one is draining. */
  String unavailable() {
    int draining = 0;
    for (ServerLink link : links) {
      if (link.isDraining()) {
        draining++;
      }
    }
    return draining == 0
        ? "no agent connected"
        : "no agent available: "
            + (draining == 1
                ? "the connected agent is"
                : "all " + draining + " connected agents are")
            + " draining";
  }

  List<ServerLink> links() {
    return List.copyOf(links);
  }

  @Override
  public int agents() {
    return links.size();
  }

  @Override
  public long sum(ToLongFunction<ServerLink> value) {
    long sum = 0;
    for (ServerLink link : links) {
      sum += value.applyAsLong(link);
    }
    return sum;
  }

  @Override
  public long total(TunnelMetrics.Total total) {
    long live = 0;
    for (ServerLink link : links) {
      live += total.of(link);
    }
    synchronized (changed) {
      return retired[total.ordinal()] + live;
    }
  }

  /**
   * Waits until the number of connected agents satisfies {@code condition}.
   *
   * @return false if the timeout passed first
   */
  boolean await(IntPredicate condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (!condition.test(links.size())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
      return true;
    }
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }
}
