package dev.sluice.backpressure;

import static dev.sluice.internal.Preconditions.checkArgument;
import static dev.sluice.internal.Preconditions.checkState;

import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Producer-side backpressure between a data plane that holds work (a feature store, a buffer) and
 * the producers that fill it: a watermark latch over any number of signals, per-producer in-flight
 * caps, a per-call consumer lease cap, starvation accounting and a waiter that wakes paused
 * producers. The data plane only reports levels; this controller decides. Create with {@link
 * #create}.
 *
 * <h2>The latch</h2>
 *
 * Each watermarked signal has a high and a low mark. The latch <em>pauses</em> when any signal is
 * at or above its high mark, and <em>resumes</em> only when every signal is at or below its low
 * mark and below its high mark; in between, the previous state holds (hysteresis). With {@code low
 * < high} "below its high mark" follows from "at or below low", so the rule is SpecForge's
 * inclusive band: with high 100 and low 50, the levels 40, 100, 70, 50 pause once (at 100) and
 * resume once (at 50). With {@code low == high} it means resume needs a level strictly below the
 * mark, while a level on the mark pauses: a level sitting on the mark holds whatever state the
 * latch is in, so it can cause at most one transition and never flaps (SpecForge's inclusive {@code
 * <= low} flipped on every call there). Pausing stays inclusive because the mark is what the
 * operator sized as full; Netty's strict {@code > high} and {@code < low} would also be stable at
 * equal marks, but would change the meaning of every existing SpecForge configuration by one unit.
 *
 * <p>A consumer quantum ({@link BackpressureConfig.Builder#consumerQuantum}) overrides the marks
 * for liveness: while its signal is below the quantum the latch does not pause, and a paused latch
 * resumes, because a consumer that acks whole batches can free nothing until a batch is resident.
 *
 * <h2>Reading levels</h2>
 *
 * Levels reach the latch either pushed, with {@link #update} (the data plane calls it when a level
 * changes), or pulled from the configured {@link CapacityReporter} by {@link #refresh()}. Both
 * evaluate the latch at once, and only they do: {@link #grant} never calls the reporter, so it
 * stays cheap and the latch moves exactly on data-plane events, which is also what wakes paused
 * producers without polling. Call {@code refresh()} (or {@code update}) after the data plane frees
 * or adds capacity. A reading never overwrites one that began after it.
 *
 * <h2>Thread-safety</h2>
 *
 * Thread-safe. State is guarded by one internal lock, held only for bookkeeping: the reporter,
 * listeners and waiters' dependent actions always run after it is released. {@link
 * BackpressureListener}s are told of transitions in order, one at a time, after the state changed.
 * Futures from {@link #awaitResume()} complete on the thread that resumed the latch (or closed the
 * controller).
 *
 * <h2>What it does not bound</h2>
 *
 * The latch is checked when work is granted, and granted work is not in the data plane's levels
 * until it is produced, so levels can overshoot a high mark by the work in flight: up to producers
 * × {@code maxInFlightPerProducer} items. Keep a hard cap in the data plane as the backstop.
 */
public final class BackpressureController implements AutoCloseable {
  // A facade over package-private parts, each with one invariant and its own test: WatermarkLatch
  // (the latch, the consumer quantum and paused time), ProducerCaps (per-producer in flight),
  // StarvationClock (starvation intervals), ResumeWaiters (awaitResume futures) and
  // TransitionRelay (ordered listener delivery). This class holds the lock and orders the effects.

  private static final Grant PAUSED = new Grant(0, true);
  private static final String CLOSED = "backpressure controller closed";

  private final Ticker ticker;
  private final @Nullable CapacityReporter reporter; // null: levels are only pushed
  private final int leaseCap;
  private final TransitionRelay relay;

  private final Object lock = new Object();
  private final AtomicLong readings = new AtomicLong();

  // Guarded by lock; the latch's paused state is also read without it, by isPaused().
  private final WatermarkLatch latch;
  private final ProducerCaps producers;
  private final StarvationClock producerStarvation;
  private final StarvationClock consumerStarvation;
  private final ResumeWaiters waiters = new ResumeWaiters(lock);
  private boolean closed;

  private BackpressureController(BackpressureConfig config) {
    this.ticker = config.ticker();
    this.reporter = config.reporter().orElse(null);
    this.leaseCap = config.maxLeasePerCall();
    this.relay = new TransitionRelay(config.listeners());
    this.latch = new WatermarkLatch(config);
    this.producers = new ProducerCaps(config.maxInFlightPerProducer());
    this.producerStarvation = new StarvationClock(ticker);
    this.consumerStarvation = new StarvationClock(ticker);
  }

  /**
   * Creates a controller, resumed, with every level at 0.
   *
   * @param config the configuration
   * @return a new controller
   */
  public static BackpressureController create(BackpressureConfig config) {
    return new BackpressureController(Objects.requireNonNull(config, "config"));
  }

  /**
   * Sets the level of one signal and evaluates the latch.
   *
   * @param signal a signal from the configuration
   * @param level its new level, {@code >= 0}
   * @return whether the latch is paused afterwards
   * @throws IllegalArgumentException if the signal is unknown or the level negative
   */
  public boolean update(String signal, long level) {
    int i = latch.index(signal);
    checkArgument(level >= 0, "%s level: %s (expected: >= 0)", signal, level);
    boolean transition;
    List<ResumeWaiters.Waiter> wake;
    boolean nowPaused;
    synchronized (lock) {
      latch.set(i, level, readings.incrementAndGet());
      transition = evaluateLocked();
      wake = transition && !latch.isPaused() ? waiters.takeAll() : List.of();
      nowPaused = latch.isPaused();
    }
    publish(transition, wake);
    return nowPaused;
  }

  /**
   * Reads every signal from the {@link CapacityReporter}, outside the lock, and evaluates the
   * latch. Without a reporter, re-evaluates the pushed levels (which changes nothing). Cost: one
   * reporter call per signal and one short lock hold.
   *
   * @return whether the latch is paused afterwards
   * @throws IllegalStateException if the reporter reports a negative level; the latch is unchanged
   */
  public boolean refresh() {
    if (reporter == null) {
      return latch.isPaused();
    }
    long stamp = readings.incrementAndGet();
    long[] read = new long[latch.signalCount()];
    for (int i = 0; i < read.length; i++) {
      String signal = latch.signal(i);
      read[i] = reporter.level(signal);
      checkState(read[i] >= 0, "reporter %s level: %s (expected: >= 0)", signal, read[i]);
    }
    boolean transition;
    List<ResumeWaiters.Waiter> wake;
    boolean nowPaused;
    synchronized (lock) {
      for (int i = 0; i < read.length; i++) {
        latch.offer(i, read[i], stamp);
      }
      transition = evaluateLocked();
      wake = transition && !latch.isPaused() ? waiters.takeAll() : List.of();
      nowPaused = latch.isPaused();
    }
    publish(transition, wake);
    return nowPaused;
  }

  /**
   * Whether the latch is paused, as of the last {@link #update} or {@link #refresh()}. Lock-free.
   *
   * @return {@code true} if paused
   */
  public boolean isPaused() {
    return latch.isPaused();
  }

  /**
   * Asks for up to {@code requested} items of work for {@code producer}. While the latch is paused
   * it grants nothing and, if {@code requested > 0}, starts the producer's starvation interval (if
   * not already open). Otherwise it grants {@code max(0, min(requested, cap - inFlight))} under the
   * per-producer cap (all of {@code requested} without one), adds the grant to the producer's in
   * flight, and ends its starvation interval if anything was granted. Does not evaluate the latch
   * (see the class doc).
   *
   * @param producer the producer's id
   * @param requested how many items it wants, {@code >= 0}
   * @return what was granted and, if nothing, whether because the latch is paused
   * @throws IllegalArgumentException if {@code requested < 0}
   * @throws IllegalStateException if the controller is closed
   */
  public Grant grant(String producer, int requested) {
    Objects.requireNonNull(producer, "producer");
    checkArgument(requested >= 0, "requested: %s (expected: >= 0)", requested);
    synchronized (lock) {
      checkState(!closed, CLOSED);
      if (latch.isPaused()) {
        if (requested > 0) {
          producerStarvation.start(producer);
        }
        return PAUSED;
      }
      int granted = producers.grant(producer, requested);
      if (granted > 0) {
        producerStarvation.end(producer);
      }
      return new Grant(granted, false);
    }
  }

  /**
   * Returns {@code count} of {@code producer}'s in-flight items: they were produced (committed) or
   * abandoned. Allowed after {@link #close()}.
   *
   * @param producer the producer's id
   * @param count how many, {@code 0 <=} count {@code <=} {@link #inFlight(String)}
   * @throws IllegalArgumentException if {@code count} is negative or more than the producer holds
   */
  public void release(String producer, int count) {
    Objects.requireNonNull(producer, "producer");
    synchronized (lock) {
      producers.release(producer, count);
    }
  }

  /**
   * Forgets a producer that is gone (crashed, scaled down): its in-flight items are released and
   * its open starvation interval, if any, ends now. Without this, a dead producer's items would
   * count against nothing forever and its starvation time would keep growing. Allowed after {@link
   * #close()}.
   *
   * @param producer the producer's id
   * @return the in-flight items it held
   */
  public long forgetProducer(String producer) {
    Objects.requireNonNull(producer, "producer");
    synchronized (lock) {
      producerStarvation.end(producer);
      return producers.forget(producer);
    }
  }

  /**
   * Forgets a consumer that is gone: its open starvation interval, if any, ends now.
   *
   * @param consumer the consumer's id
   */
  public void forgetConsumer(String consumer) {
    Objects.requireNonNull(consumer, "consumer");
    synchronized (lock) {
      consumerStarvation.end(consumer);
    }
  }

  /**
   * The items {@code producer} holds in flight.
   *
   * @param producer the producer's id
   * @return granted and not yet released
   */
  public long inFlight(String producer) {
    synchronized (lock) {
      return producers.held(producer);
    }
  }

  /**
   * How many items a consumer may lease in one call: {@code min(requested, maxLeasePerCall)}, or
   * {@code requested} without a cap. Pure and lock-free.
   *
   * @param requested how many the consumer wants, {@code >= 0}
   * @return the number to lease
   * @throws IllegalArgumentException if {@code requested < 0}
   */
  public int leaseLimit(int requested) {
    checkArgument(requested >= 0, "requested: %s (expected: >= 0)", requested);
    return leaseCap == BackpressureConfig.UNLIMITED ? requested : Math.min(requested, leaseCap);
  }

  /**
   * Records what a consumer's lease returned, for starvation accounting: an empty lease starts the
   * consumer's starvation interval (if not already open), a non-empty one ends it.
   *
   * @param consumer the consumer's id
   * @param received how many items the lease returned, {@code >= 0}
   * @throws IllegalArgumentException if {@code received < 0}
   */
  public void recordLease(String consumer, int received) {
    Objects.requireNonNull(consumer, "consumer");
    checkArgument(received >= 0, "received: %s (expected: >= 0)", received);
    synchronized (lock) {
      if (received == 0) {
        consumerStarvation.start(consumer);
      } else {
        consumerStarvation.end(consumer);
      }
    }
  }

  /**
   * A future that completes when the latch next resumes, so that a paused producer is woken instead
   * of polling; already complete if the latch is not paused. Cancelling it withdraws the wait, and
   * so does completing it any other way, such as {@link CompletableFuture#orTimeout} expiring. It
   * fails with {@link IllegalStateException} if the controller is or gets closed. It never times
   * out by itself: bound it with {@code orTimeout}. Completed outside the controller's lock, so
   * dependent actions may call the controller.
   *
   * @return the future
   */
  public CompletableFuture<Void> awaitResume() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException(CLOSED));
      }
      if (!latch.isPaused()) {
        return CompletableFuture.completedFuture(null);
      }
      return waiters.add();
    }
  }

  /**
   * A consistent snapshot of the state and counters.
   *
   * @return the snapshot
   */
  public BackpressureStats stats() {
    synchronized (lock) {
      long now = ticker.read();
      return new BackpressureStats(
          latch.isPaused(),
          latch.pauses(),
          latch.resumes(),
          Duration.ofNanos(latch.pausedNanos(now)),
          latch.levels(),
          producers.total(),
          producerStarvation.intervals(),
          Duration.ofNanos(producerStarvation.starvedNanos(now)),
          consumerStarvation.intervals(),
          Duration.ofNanos(consumerStarvation.starvedNanos(now)));
    }
  }

  /**
   * Closes the controller: pending {@link #awaitResume()} futures fail with {@link
   * IllegalStateException}, later ones fail at once, and {@link #grant} throws. Levels, releases
   * and stats keep working. Idempotent.
   */
  @Override
  public void close() {
    List<ResumeWaiters.Waiter> fail;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      fail = waiters.takeAll();
    }
    for (ResumeWaiters.Waiter waiter : fail) {
      waiter.fail(new IllegalStateException(CLOSED));
    }
  }

  /** The waiters not yet completed or cancelled; for tests. */
  int waiterCount() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  /**
   * Evaluates the latch; a transition is queued for the listeners here, under the lock, in order.
   */
  private boolean evaluateLocked() {
    Transition transition = latch.evaluate();
    if (transition == null) {
      return false;
    }
    relay.enqueue(transition);
    return true;
  }

  /** Outside the lock: wakes the waiters, then delivers pending transitions in order. */
  private void publish(boolean transition, List<ResumeWaiters.Waiter> wake) {
    for (ResumeWaiters.Waiter waiter : wake) {
      waiter.wake();
    }
    if (transition) {
      relay.deliver();
    }
  }
}
