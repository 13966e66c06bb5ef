package dev.sluice.credit;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One stream's sending credit on a {@link SendWindow}: bytes may go out only with credit from both
 * this stream's window and the connection's. Made by {@link SendWindow#newStream}.
 *
 * <p>Thread-safe; guarded by its connection's lock.
 */
public final class SendStream {

  private final SendWindow connection;
  // Guarded by the connection's lock.
  long limit;
  long granted;
  long staleUpdates;
  int waiting; // requests of this stream in the connection's queue
  @Nullable Throwable closedBy; // null while open

  SendStream(SendWindow connection, long initialLimit) {
    this.connection = connection;
    this.limit = initialLimit;
  }

  /**
   * Asks for up to {@code bytes} bytes of credit. The future completes with a grant between 1 and
   * {@code bytes} once both windows have credit and every older request on the connection that
   * waits for connection credit has been served (requests blocked by their own stream's window do
   * not count); it fails with {@link WindowClosedException} if the stream or the connection closes
   * first. Cancelling it withdraws the request; credit granted to a request cancelled in the same
   * instant is given back.
   *
   * @throws IllegalArgumentException if {@code bytes <= 0}
   */
  public CompletableFuture<Long> acquire(long bytes) {
    return connection.acquire(this, bytes);
  }

  /**
   * Takes up to {@code bytes} of credit if it is there now and nobody is waiting ahead.
   *
   * @return the bytes granted, 0 if none
   * @throws IllegalArgumentException if {@code bytes <= 0}
   */
  public long tryAcquire(long bytes) {
    Credits.checkPositive("bytes", bytes);
    synchronized (connection.lock()) {
      return connection.tryAcquireLocked(this, bytes);
    }
  }

  /**
   * The receiver raised this stream's limit to {@code newLimit} bytes in total.
   *
   * @return false if the update changed nothing (not above the current limit, or the stream is
   *     closed); it is then counted as stale
   */
  public boolean updateLimit(long newLimit) {
    synchronized (connection.lock()) {
      if (closedBy != null || newLimit <= limit) {
        staleUpdates++;
        return false;
      }
      limit = newLimit;
    }
    connection.streamUpdated();
    return true;
  }

  /** Bytes this stream's own window still allows (the connection's may allow fewer). */
  public long available() {
    synchronized (connection.lock()) {
      return limit - granted;
    }
  }

  /** Bytes granted on this stream so far. */
  public long granted() {
    synchronized (connection.lock()) {
      return granted;
    }
  }

  /**
   * Closes the stream: its waiters fail with a {@link WindowClosedException} caused by {@code
   * cause}, and its place in the connection's queue goes to the next stream. Idempotent.
   */
  public void close(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    connection.streamClosed(this, cause);
  }

  /** Whether this stream or its connection was closed. */
  public boolean isClosed() {
    synchronized (connection.lock()) {
      return closedBy != null;
    }
  }

  /** Marks the stream closed; false if it already was. Under the connection's lock. */
  boolean closeLocked(Throwable cause) {
    if (closedBy != null) {
      return false;
    }
    closedBy = cause;
    return true;
  }
}
