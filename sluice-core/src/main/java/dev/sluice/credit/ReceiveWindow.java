package dev.sluice.credit;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of one multiplexed connection's byte credit: it counts what arrives, and
 * grants new credit to the sender as limits (see {@link SendWindow}).
 *
 * <p><b>Two levels, returned differently.</b> A {@link ReceiveStream}'s credit comes back only when
 * the application has consumed the bytes, so a stream whose reader stalls stops its sender and
 * nobody else. The connection's credit comes back as bytes arrive (grpc-java's {@code
 * autoRefillConnectionWindow}), so one stalled stream cannot starve the others of connection
 * credit. The memory a connection can be made to hold is the sum of its streams' windows.
 *
 * <p><b>Batched updates.</b> A new limit is sent once half a window (the {@code updateRatio}) has
 * been consumed since the last one, not per packet; bytes consumed below that are sent after {@code
 * flushDelay} at the latest, so a sender is never left waiting on a small remainder. The update
 * callbacks run after the window's lock is released, possibly on the scheduler's thread; two
 * updates of one stream may race, and then the lower one reaches the sender second and is ignored
 * there as stale.
 *
 * <p><b>Window growth</b> (optional, {@link Builder#autoTune}): a stream whose reader keeps up with
 * a window-limited sender doubles its window each time it consumed a whole window within about two
 * round trips, up to a cap, as QUIC and HTTP/2 implementations tune theirs from a bandwidth-delay
 * estimate; the memory bound is then the cap per stream.
 *
 * <p><b>Violations.</b> Data beyond the advertised limit is a protocol violation by the sender:
 * {@link ReceiveStream#onData} reports it (the transport resets the stream) and counts it. Data
 * after a close is counted and ignored.
 *
 * <p>Thread-safe: one lock per connection.
 */
public final class ReceiveWindow {

  private final Object lock = new Object();
  private final long connectionWindow;
  private final long streamWindow;
  private final double updateRatio;
  private final long flushDelayNanos;
  private final Scheduler scheduler;
  private final LongConsumer connectionUpdates;
  private final @Nullable Ticker tunerTicker; // null: stream windows stay fixed
  private final long maxStreamWindow;
  // Guarded by lock.
  private long received;
  private long advertised;
  private long violations;
  private long lateBytes;
  private long updatesSent;
  private boolean closed;

  private ReceiveWindow(Builder builder) {
    this.connectionWindow = builder.connectionWindow;
    this.streamWindow = builder.streamWindow;
    this.updateRatio = builder.updateRatio;
    this.flushDelayNanos = builder.flushDelay.toNanos();
    this.scheduler = builder.scheduler;
    this.connectionUpdates = builder.connectionUpdates;
    this.tunerTicker = builder.tunerTicker;
    this.maxStreamWindow = builder.tunerTicker == null ? streamWindow : builder.maxStreamWindow;
    this.advertised = connectionWindow;
  }

  /**
   * Starts a builder.
   *
   * @param scheduler runs the delayed flush of small updates
   * @param connectionUpdates receives each new connection limit, to send to the peer
   */
  public static Builder builder(Scheduler scheduler, LongConsumer connectionUpdates) {
    return new Builder(scheduler, connectionUpdates);
  }

  /** The window each new stream starts with: its initial limit, to tell the sender. */
  public long streamWindow() {
    return streamWindow;
  }

  /**
   * The largest window a stream may grow to by auto-tuning; {@link #streamWindow()} if it is off.
   * The memory a connection can be made to hold is at most this times its streams.
   */
  public long maxStreamWindow() {
    return maxStreamWindow;
  }

  /** The connection window: its initial limit, to tell the sender. */
  public long connectionWindow() {
    return connectionWindow;
  }

  /**
   * Opens a stream whose limit starts at {@link #streamWindow()}.
   *
   * @param updates receives each new limit of the stream, to send to the peer
   */
  public ReceiveStream newStream(LongConsumer updates) {
    Objects.requireNonNull(updates, "updates");
    return new ReceiveStream(this, updates);
  }

  /** Closes the connection's receiving side; later data is counted and ignored. Idempotent. */
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /** Data beyond an advertised limit, on the connection or any of its streams, so far. */
  public long violations() {
    synchronized (lock) {
      return violations;
    }
  }

  /** Bytes that arrived after their stream or the connection was closed. */
  public long lateBytes() {
    synchronized (lock) {
      return lateBytes;
    }
  }

  /** Limit updates sent for the connection and its streams. */
  public long updatesSent() {
    synchronized (lock) {
      return updatesSent;
    }
  }

  // ---- called by ReceiveStream, which shares this lock ----

  Object lock() {
    return lock;
  }

  long flushDelayNanos() {
    return flushDelayNanos;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** A new stream's tuner, or null if auto-tuning is off. */
  @Nullable WindowTuner newTuner() {
    return tunerTicker == null ? null : new WindowTuner(tunerTicker, streamWindow, maxStreamWindow);
  }

  /** Whether {@code pending} unadvertised bytes of a {@code window} are worth an update now. */
  boolean worthUpdating(long pending, long window) {
    return pending > 0 && pending >= updateRatio * window;
  }

  void countLocked(long violation, long late, long updates) {
    violations += violation;
    lateBytes += late;
    updatesSent += updates;
  }

  boolean isClosedLocked() {
    return closed;
  }

  /**
   * Counts {@code bytes} arriving on the connection.
   *
   * @return the connection's new limit to send, or -1 for none; {@code Long.MIN_VALUE} if the bytes
   *     went past the connection's limit
   */
  long receivedLocked(long bytes) {
    received += bytes;
    if (received > advertised) {
      violations++;
      return Long.MIN_VALUE;
    }
    if (worthUpdating(received + connectionWindow - advertised, connectionWindow)) {
      advertised = received + connectionWindow;
      updatesSent++;
      return advertised;
    }
    return -1;
  }

  void sendConnectionUpdate(long limit) {
    connectionUpdates.accept(limit);
  }

  /** Configures a {@link ReceiveWindow}. Not thread-safe. */
  public static final class Builder {
    private final Scheduler scheduler;
    private final LongConsumer connectionUpdates;
    private long connectionWindow = 1 << 20;
    private long streamWindow = 256 << 10;
    private double updateRatio = 0.5;
    private Duration flushDelay = Duration.ofMillis(20);
    private @Nullable Ticker tunerTicker;
    private long maxStreamWindow;

    private Builder(Scheduler scheduler, LongConsumer connectionUpdates) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.connectionUpdates = Objects.requireNonNull(connectionUpdates, "connectionUpdates");
    }

    /** Bytes the sender may have unreceived on the connection. Default 1 MiB. */
    public Builder connectionWindow(long bytes) {
      this.connectionWindow = Credits.checkPositive("connectionWindow", bytes);
      return this;
    }

    /** Bytes the sender may have unconsumed on each stream. Default 256 KiB. */
    public Builder streamWindow(long bytes) {
      this.streamWindow = Credits.checkPositive("streamWindow", bytes);
      return this;
    }

    /**
     * The fraction of a window consumed since the last update that triggers the next one. Default
     * 0.5, as HTTP/2 implementations use.
     */
    public Builder updateRatio(double ratio) {
      checkArgument(ratio > 0 && ratio <= 1, "updateRatio: %s (expected: in (0, 1])", ratio);
      this.updateRatio = ratio;
      return this;
    }

    /**
     * The longest consumed bytes wait below the ratio before an update carries them; zero sends
     * them only with the ratio. Default 20 ms.
     */
    public Builder flushDelay(Duration delay) {
      Objects.requireNonNull(delay, "flushDelay");
      checkArgument(!delay.isNegative(), "flushDelay: %s (expected: >= 0)", delay);
      this.flushDelay = delay;
      return this;
    }

    /**
     * Turns on receiver-side window auto-tuning (off by default): a stream whose application
     * consumed a whole window within about two round trips (measured by {@code ticker}, see {@link
     * ReceiveStream#window()}) doubles its window, up to {@code maxStreamWindow}; a slower reader
     * keeps the initial one. The round trip is estimated from the updates themselves: the time from
     * an update to the first byte past the limit before it.
     *
     * @throws IllegalArgumentException at {@link #build} if {@code maxStreamWindow} is below the
     *     stream window
     */
    public Builder autoTune(Ticker ticker, long maxStreamWindow) {
      this.tunerTicker = Objects.requireNonNull(ticker, "ticker");
      this.maxStreamWindow = Credits.checkPositive("maxStreamWindow", maxStreamWindow);
      return this;
    }

    /** Builds the window. */
    public ReceiveWindow build() {
      checkArgument(
          tunerTicker == null || maxStreamWindow >= streamWindow,
          "maxStreamWindow: %s (expected: >= streamWindow %s)",
          maxStreamWindow,
          streamWindow);
      return new ReceiveWindow(this);
    }
  }
}
