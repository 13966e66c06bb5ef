package dev.sluice.credit;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.Scheduler;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One stream's receiving credit on a {@link ReceiveWindow}: counts the bytes that arrive and the
 * bytes the application consumes, and grants the sender a new limit when enough was consumed. Made
 * by {@link ReceiveWindow#newStream}.
 *
 * <p>Thread-safe; guarded by its connection's lock. Update callbacks run without the lock.
 */
public final class ReceiveStream {

  private final ReceiveWindow connection;
  private final LongConsumer updates;
  private final @Nullable WindowTuner tuner; // null: the window stays fixed
  // Guarded by the connection's lock.
  private long window;
  private long received;
  private long consumed;
  private long advertised;
  private boolean closed;
  private Scheduler.@Nullable Cancellable flushTimer; // null: none armed nor being armed

  ReceiveStream(ReceiveWindow connection, LongConsumer updates) {
    this.connection = connection;
    this.updates = updates;
    this.window = connection.streamWindow();
    this.advertised = window;
    this.tuner = connection.newTuner();
  }

  /**
   * {@code bytes} arrived for this stream.
   *
   * @return false if they went past the stream's or the connection's advertised limit: the sender
   *     broke the protocol and the transport should reset the stream (counted as a violation).
   *     After a close, bytes are counted as late and true is returned: nothing to reset.
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public boolean onData(long bytes) {
    Credits.checkNonNegative("bytes", bytes);
    long connectionLimit;
    synchronized (connection.lock()) {
      if (closed || connection.isClosedLocked()) {
        connection.countLocked(0, bytes, 0);
        return true;
      }
      connectionLimit = connection.receivedLocked(bytes);
      if (connectionLimit == Long.MIN_VALUE) {
        return false;
      }
      received += bytes;
      if (received > advertised) {
        connection.countLocked(1, 0, 0);
        return false;
      }
      if (tuner != null) {
        tuner.onReceived(received);
      }
    }
    if (connectionLimit >= 0) {
      connection.sendConnectionUpdate(connectionLimit);
    }
    return true;
  }

  /**
   * The application consumed {@code bytes} of this stream's data, freeing that much of its window.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}, or if more would be consumed than
   *     arrived
   */
  public void consumed(long bytes) {
    Credits.checkNonNegative("bytes", bytes);
    long limit = -1;
    boolean armTimer = false;
    Scheduler.Cancellable staleTimer = null;
    synchronized (connection.lock()) {
      checkArgument(
          consumed + bytes <= received,
          "consumed: %s (expected: <= received %s)",
          consumed + bytes,
          received);
      consumed += bytes;
      if (closed) {
        return;
      }
      long pending = consumed + window - advertised;
      if (connection.worthUpdating(pending, window)) {
        limit = advanceLocked();
        staleTimer = takeTimerLocked();
      } else if (pending > 0 && flushTimer == null && connection.flushDelayNanos() > 0) {
        armTimer = true;
        flushTimer = NOT_YET_ARMED;
      }
    }
    if (staleTimer != null) {
      staleTimer.cancel();
    }
    if (limit >= 0) {
      updates.accept(limit);
    } else if (armTimer) {
      Scheduler.Cancellable timer =
          connection.scheduler().schedule(this::flush, connection.flushDelayNanos());
      synchronized (connection.lock()) {
        if (flushTimer == NOT_YET_ARMED) {
          flushTimer = timer;
          return;
        }
      }
      timer.cancel(); // flushed or closed meanwhile
    }
  }

  /** Sends whatever was consumed since the last update. */
  private void flush() {
    long limit = -1;
    synchronized (connection.lock()) {
      flushTimer = null;
      if (!closed && consumed + window > advertised) {
        limit = advanceLocked();
      }
    }
    if (limit >= 0) {
      updates.accept(limit);
    }
  }

  private long advanceLocked() {
    if (tuner != null) {
      window = tuner.onUpdate(advertised, consumed);
    }
    advertised = consumed + window;
    connection.countLocked(0, 0, 1);
    return advertised;
  }

  /** Takes the armed flush timer, if any, for cancelling after the lock is released. */
  private Scheduler.@Nullable Cancellable takeTimerLocked() {
    Scheduler.Cancellable timer = flushTimer;
    flushTimer = null;
    return timer == NOT_YET_ARMED ? null : timer;
  }

  /** The limit advertised to the sender so far. */
  public long limit() {
    synchronized (connection.lock()) {
      return advertised;
    }
  }

  /**
   * The stream's window now: the initial {@link ReceiveWindow#streamWindow()}, or more once
   * auto-tuning grew it (never above {@link ReceiveWindow#maxStreamWindow()}).
   */
  public long window() {
    synchronized (connection.lock()) {
      return window;
    }
  }

  /** The auto-tuner, or null if the window is fixed; for tests. */
  @Nullable WindowTuner tuner() {
    return tuner;
  }

  /** Bytes received and not yet consumed: what this stream holds in memory. */
  public long buffered() {
    synchronized (connection.lock()) {
      return received - consumed;
    }
  }

  /** Closes the stream: no more updates; later data is counted as late. Idempotent. */
  public void close() {
    Scheduler.Cancellable timer;
    synchronized (connection.lock()) {
      if (closed) {
        return;
      }
      closed = true;
      timer = takeTimerLocked();
    }
    if (timer != null) {
      timer.cancel();
    }
  }

  private static final Scheduler.Cancellable NOT_YET_ARMED = () -> {};
}
