package dev.sluice.backpressure;

import static dev.sluice.internal.Preconditions.checkArgument;
import static dev.sluice.internal.Preconditions.checkState;

import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private static final System.Logger LOG = System.getLogger(BackpressureController.class.getName());
  private static final Grant PAUSED = new Grant(0, true);

  private final Ticker ticker;
  private final @Nullable CapacityReporter reporter; // null: levels are only pushed
  private final BackpressureListener[] listeners;
  private final String[] signals;
  private final Map<String, Integer> indexOf;
  private final int watermarked;
  private final long[] low;
  private final long[] high;
  private final int quantumIndex;
  private final long quantum;
  private final int producerCap;
  private final int leaseCap;

  private final Object lock = new Object();
  private final AtomicLong readings = new AtomicLong();
  private final ConcurrentLinkedQueue<Transition> events = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  // Guarded by lock; paused is also read without it, by isPaused().
  private final long[] levels;
  private final long[] stamps;
  private volatile boolean paused;
  private long pauses;
  private long resumes;
  private long pausedSince;
  private long pausedNanos;
  private final Map<String, Producer> producers = new HashMap<>();
  private final Map<String, Long> starvedConsumers = new HashMap<>();
  private long inFlight;
  private long producerStarvations;
  private long producerStarvedNanos;
  private long consumerStarvations;
  private long consumerStarvedNanos;
  private final Set<Waiter> waiters = new LinkedHashSet<>();
  private boolean closed;

  private static final class Producer {
    long inFlight;
    boolean starved;
    long starvedSince;
  }

  private record Transition(boolean paused, String signal, long level) {}

  private BackpressureController(BackpressureConfig config) {
    this.ticker = config.ticker();
    this.reporter = config.reporter().orElse(null);
    this.listeners = config.listeners().toArray(new BackpressureListener[0]);
    this.signals = config.signals().toArray(new String[0]);
    this.watermarked = config.watermarks().size();
    this.low = new long[watermarked];
    this.high = new long[watermarked];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < signals.length; i++) {
      index.put(signals[i], i);
    }
    for (Watermark mark : config.watermarks()) {
      int i = Objects.requireNonNull(index.get(mark.signal()), "a watermark's signal is a signal");
      low[i] = mark.low();
      high[i] = mark.high();
    }
    this.indexOf = Map.copyOf(index);
    this.quantumIndex = config.quantumSignal().map(index::get).orElse(-1);
    this.quantum = config.consumerQuantum();
    this.producerCap = config.maxInFlightPerProducer();
    this.leaseCap = config.maxLeasePerCall();
    this.levels = new long[signals.length];
    this.stamps = new long[signals.length];
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
    int i = index(signal);
    checkArgument(level >= 0, "%s level: %s (expected: >= 0)", signal, level);
    boolean transition;
    List<Waiter> wake;
    boolean nowPaused;
    synchronized (lock) {
      levels[i] = level;
      stamps[i] = readings.incrementAndGet();
      transition = evaluateLocked();
      wake = transition && !paused ? takeWaitersLocked() : List.of();
      nowPaused = paused;
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
      return paused;
    }
    long stamp = readings.incrementAndGet();
    long[] read = new long[signals.length];
    for (int i = 0; i < signals.length; i++) {
      read[i] = reporter.level(signals[i]);
      checkState(read[i] >= 0, "reporter %s level: %s (expected: >= 0)", signals[i], read[i]);
    }
    boolean transition;
    List<Waiter> wake;
    boolean nowPaused;
    synchronized (lock) {
      for (int i = 0; i < signals.length; i++) {
        if (stamp > stamps[i]) {
          levels[i] = read[i];
          stamps[i] = stamp;
        }
      }
      transition = evaluateLocked();
      wake = transition && !paused ? takeWaitersLocked() : List.of();
      nowPaused = paused;
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
    return paused;
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
      checkState(!closed, "backpressure controller closed");
      Producer state = producers.get(producer);
      if (paused) {
        if (requested > 0) {
          if (state == null) {
            state = new Producer();
            producers.put(producer, state);
          }
          if (!state.starved) {
            state.starved = true;
            state.starvedSince = ticker.read();
            producerStarvations++;
          }
        }
        return PAUSED;
      }
      long held = state == null ? 0 : state.inFlight;
      int granted =
          producerCap == BackpressureConfig.UNLIMITED
              ? requested
              : (int) Math.max(0, Math.min(requested, producerCap - held));
      if (granted > 0) {
        if (state == null) {
          state = new Producer();
          producers.put(producer, state);
        }
        if (state.starved) {
          state.starved = false;
          producerStarvedNanos += ticker.read() - state.starvedSince;
        }
        state.inFlight += granted;
        inFlight += granted;
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
      Producer state = producers.get(producer);
      long held = state == null ? 0 : state.inFlight;
      checkArgument(
          count >= 0 && count <= held,
          "count: %s (expected: 0 to %s, the items in flight for producer %s)",
          count,
          held,
          producer);
      if (state == null) {
        return;
      }
      state.inFlight -= count;
      inFlight -= count;
      if (state.inFlight == 0 && !state.starved) {
        producers.remove(producer);
      }
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
      Producer state = producers.remove(producer);
      if (state == null) {
        return 0;
      }
      if (state.starved) {
        producerStarvedNanos += ticker.read() - state.starvedSince;
      }
      inFlight -= state.inFlight;
      return state.inFlight;
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
      Long since = starvedConsumers.remove(consumer);
      if (since != null) {
        consumerStarvedNanos += ticker.read() - since;
      }
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
      Producer state = producers.get(producer);
      return state == null ? 0 : state.inFlight;
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
        if (!starvedConsumers.containsKey(consumer)) {
          starvedConsumers.put(consumer, ticker.read());
          consumerStarvations++;
        }
      } else {
        Long since = starvedConsumers.remove(consumer);
        if (since != null) {
          consumerStarvedNanos += ticker.read() - since;
        }
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
        return CompletableFuture.failedFuture(
            new IllegalStateException("backpressure controller closed"));
      }
      if (!paused) {
        return CompletableFuture.completedFuture(null);
      }
      Waiter waiter = new Waiter();
      waiters.add(waiter);
      return waiter;
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
      long pausedTotal = pausedNanos + (paused ? now - pausedSince : 0);
      long producerStarved = producerStarvedNanos;
      for (Producer producer : producers.values()) {
        if (producer.starved) {
          producerStarved += now - producer.starvedSince;
        }
      }
      long consumerStarved = consumerStarvedNanos;
      for (long since : starvedConsumers.values()) {
        consumerStarved += now - since;
      }
      Map<String, Long> snapshot = new LinkedHashMap<>();
      for (int i = 0; i < signals.length; i++) {
        snapshot.put(signals[i], levels[i]);
      }
      return new BackpressureStats(
          paused,
          pauses,
          resumes,
          Duration.ofNanos(pausedTotal),
          snapshot,
          inFlight,
          producerStarvations,
          Duration.ofNanos(producerStarved),
          consumerStarvations,
          Duration.ofNanos(consumerStarved));
    }
  }

  /**
   * Closes the controller: pending {@link #awaitResume()} futures fail with {@link
   * IllegalStateException}, later ones fail at once, and {@link #grant} throws. Levels, releases
   * and stats keep working. Idempotent.
   */
  @Override
  public void close() {
    List<Waiter> fail;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      fail = takeWaitersLocked();
    }
    for (Waiter waiter : fail) {
      waiter.fail(new IllegalStateException("backpressure controller closed"));
    }
  }

  /** The waiters not yet completed or cancelled; for tests. */
  int waiterCount() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  private int index(String signal) {
    int i = indexOf.getOrDefault(Objects.requireNonNull(signal, "signal"), -1);
    checkArgument(i >= 0, "signal: %s (expected: one of %s)", signal, List.of(signals));
    return i;
  }

  /**
   * Evaluates the latch; a transition is queued for the listeners here, under the lock, in order.
   */
  private boolean evaluateLocked() {
    boolean quantumMet = quantumIndex < 0 || levels[quantumIndex] >= quantum;
    if (!paused) {
      if (quantumMet) {
        for (int i = 0; i < watermarked; i++) {
          if (levels[i] >= high[i]) {
            paused = true;
            pauses++;
            pausedSince = ticker.read();
            events.add(new Transition(true, signals[i], levels[i]));
            return true;
          }
        }
      }
      return false;
    }
    if (quantumMet) {
      for (int i = 0; i < watermarked; i++) {
        if (levels[i] > low[i] || levels[i] >= high[i]) {
          return false;
        }
      }
    }
    paused = false;
    resumes++;
    pausedNanos += ticker.read() - pausedSince;
    events.add(new Transition(false, "", 0));
    return true;
  }

  private List<Waiter> takeWaitersLocked() {
    if (waiters.isEmpty()) {
      return List.of();
    }
    List<Waiter> taken = new ArrayList<>(waiters);
    waiters.clear();
    return taken;
  }

  /** Outside the lock: wakes the waiters, then delivers pending transitions in order. */
  private void publish(boolean transition, List<Waiter> wake) {
    for (Waiter waiter : wake) {
      waiter.wake();
    }
    if (!transition) {
      return;
    }
    // One thread at a time delivers, so listeners see transitions in order and never re-entrantly.
    while (!events.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        Transition next;
        while ((next = events.poll()) != null) {
          notifyListeners(next);
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  private void notifyListeners(Transition transition) {
    for (BackpressureListener listener : listeners) {
      try {
        if (transition.paused()) {
          listener.onPaused(transition.signal(), transition.level());
        } else {
          listener.onResumed();
        }
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "backpressure listener "
                + listener
                + " failed on "
                + (transition.paused() ? "onPaused" : "onResumed"),
            e);
      }
    }
  }

  /**
   * A paused producer's wait. Completed by the controller through {@link #wake} and {@link #fail}
   * after it was taken out of {@link #waiters}; completed by anyone else (cancel, {@code
   * orTimeout}, {@code complete}) it withdraws itself, so waits that time out during a long pause
   * do not pile up.
   */
  private final class Waiter extends CompletableFuture<Void> {
    void wake() {
      super.complete(null);
    }

    void fail(Throwable cause) {
      super.completeExceptionally(cause);
    }

    @Override
    public boolean complete(@Nullable Void value) {
      return withdrawIf(super.complete(null));
    }

    @Override
    public boolean completeExceptionally(Throwable cause) {
      return withdrawIf(super.completeExceptionally(cause));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return withdrawIf(super.cancel(mayInterruptIfRunning));
    }

    private boolean withdrawIf(boolean completed) {
      if (completed) {
        synchronized (lock) {
          waiters.remove(this);
        }
      }
      return completed;
    }
  }
}
