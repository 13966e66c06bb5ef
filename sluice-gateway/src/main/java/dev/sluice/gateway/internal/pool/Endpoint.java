package dev.sluice.gateway.internal.pool;

import com.linecorp.armeria.client.WebClient;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One backend of the pool: its client, this gateway's in-flight count on it, its learned slots, and
 * the state of its metrics scraping. Thread-safe: counters are atomic, scrape state is written by
 * the one scraping loop of the endpoint and read by any thread, and the slot estimate is guarded by
 * the pool's lock.
 */
public final class Endpoint {

  private final String name;
  private final WebClient client;
  private final String metricsPath;
  private final boolean enginePriority;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong dispatched = new AtomicLong();
  private volatile int inFlightAtScrape;
  private volatile @Nullable String lastScrapeError;
  private volatile boolean refusing;

  /** Guarded by the pool's lock. */
  final SlotEstimate slots = new SlotEstimate();

  /** Whether the gate turned work away for want of slots since the last scrape; pool's lock. */
  boolean starved;

  /**
   * This gateway's flow-controlled requests here, by priority: count; kept only with {@link
   * #enginePriority()}, the one case that reads it. Guarded by the pool's lock.
   */
  private final TreeMap<Integer, Integer> byPriority = new TreeMap<>();

  Endpoint(String name, WebClient client, String metricsPath, boolean enginePriority) {
    this.name = name;
    this.client = client;
    this.metricsPath = metricsPath;
    this.enginePriority = enginePriority;
  }

  /** Whether requests to this backend carry their priority in the body (vLLM's convention). */
  public boolean enginePriority() {
    return enginePriority;
  }

  /** {@code host:port}. */
  public String name() {
    return name;
  }

  /** The client for this backend; responses are unlimited in length and time. */
  public WebClient client() {
    return client;
  }

  /** Requests this gateway has sent to the endpoint whose responses have not ended. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests this gateway has sent to the endpoint since it started. */
  public long dispatched() {
    return dispatched.get();
  }

  /** Why the last scrape failed, or {@code null} if it succeeded. */
  public @Nullable String lastScrapeError() {
    return lastScrapeError;
  }

  /**
   * Whether the endpoint refused a connection since its last successful scrape; it gets no work
   * until a scrape succeeds again.
   */
  public boolean isRefusing() {
    return refusing;
  }

  /** The running slots the backend has shown (see {@link SlotEstimate}); a snapshot. */
  public int learnedSlots() {
    return slots.slots();
  }

  void refusing(boolean value) {
    refusing = value;
  }

  String metricsPath() {
    return metricsPath;
  }

  void acquire() {
    inFlight.incrementAndGet();
    dispatched.incrementAndGet();
  }

  void release() {
    inFlight.decrementAndGet();
  }

  /**
   * {@link #acquire()} for a flow-controlled request of {@code priority}. Under the pool's lock.
   */
  void acquire(int priority) {
    acquire();
    if (enginePriority) {
      byPriority.merge(priority, 1, Integer::sum);
    }
  }

  /**
   * {@link #release()} for a flow-controlled request of {@code priority}. Under the pool's lock.
   */
  void release(int priority) {
    release();
    if (enginePriority) {
      byPriority.computeIfPresent(priority, (p, count) -> count == 1 ? null : count - 1);
    }
  }

  /**
   * Of this gateway's requests here, those the engine would preempt for a request of {@code
   * priority}: with {@link #enginePriority()}, those of a lower priority (an engine scheduling by
   * priority sends them back to its queue to run the newcomer); without it, none. Under the pool's
   * lock.
   */
  int preemptibleBy(int priority) {
    if (!enginePriority) {
      return 0;
    }
    int count = 0;
    for (int atPriority : byPriority.headMap(priority, false).values()) {
      count += atPriority;
    }
    return count;
  }

  /** Requests sent since the last scrape began, which the backend's metrics may not show yet. */
  int unreported() {
    return Math.max(0, inFlight.get() - inFlightAtScrape);
  }

  /** This gateway's requests on the endpoint during the scrape that just ended. */
  int inFlightDuringScrape() {
    return Math.max(inFlightAtScrape, inFlight.get());
  }

  void scrapeStarted() {
    inFlightAtScrape = inFlight.get();
  }

  void scrapeResult(@Nullable String error) {
    lastScrapeError = error;
  }

  @Override
  public String toString() {
    return name;
  }
}
