package dev.sluice.credit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of one multiplexed connection's byte credit: a connection window shared by all
 * its streams, and a window per {@link SendStream}. A sender may put bytes on the wire only with
 * credit from both, as with HTTP/2's stream and connection windows.
 *
 * <p><b>Limits, not increments.</b> The receiver grants credit as an absolute limit: the highest
 * byte offset it allows (QUIC's {@code MAX_DATA} and {@code MAX_STREAM_DATA}). The credit left is
 * the limit minus the bytes granted so far. An update whose limit is not above the current one (a
 * duplicate, reordered or late update) changes nothing; it is counted in {@link CreditStats}, never
 * thrown. So no update can create or lose credit, whatever the network does to the update stream.
 *
 * <p><b>Acquiring.</b> {@link SendStream#acquire} returns a future that completes with a grant of
 * between 1 and the bytes asked for, as soon as both windows have credit: partial grants let a
 * large write go out as credit allows. Connection credit goes out in arrival order, so one stream
 * cannot overtake another's older request for it; a request blocked by its own stream's window
 * holds up nobody else (one stalled stream must not stop the connection). Cancelling the future
 * withdraws the request; a closed stream or connection fails its waiters at once with a {@link
 * WindowClosedException}.
 *
 * <p>Thread-safe: one lock per connection guards its windows; futures are completed after it is
 * released.
 */
public final class SendWindow {

  private final Object lock = new Object();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final List<SendStream> streams = new ArrayList<>();
  // Guarded by lock.
  private long limit;
  private long granted;
  private long staleUpdates;
  private long closedStreamsStale;
  private long blockedAcquires;
  private @Nullable Throwable closedBy; // null while open

  private SendWindow(long initialLimit) {
    this.limit = initialLimit;
  }

  /**
   * A connection whose receiver allows {@code initialLimit} bytes across all streams until it
   * raises the limit.
   *
   * @throws IllegalArgumentException if {@code initialLimit < 0}
   */
  public static SendWindow create(long initialLimit) {
    Credits.checkNonNegative("initialLimit", initialLimit);
    return new SendWindow(initialLimit);
  }

  /**
   * Opens a stream on this connection whose receiver allows {@code initialLimit} bytes on it.
   *
   * @throws IllegalArgumentException if {@code initialLimit < 0}
   * @throws WindowClosedException if the connection is closed
   */
  public SendStream newStream(long initialLimit) {
    Credits.checkNonNegative("initialLimit", initialLimit);
    synchronized (lock) {
      if (closedBy != null) {
        throw new WindowClosedException("connection", closedBy);
      }
      SendStream stream = new SendStream(this, initialLimit);
      streams.add(stream);
      return stream;
    }
  }

  /**
   * The receiver raised the connection's limit to {@code newLimit} bytes in total.
   *
   * @return false if the update changed nothing (not above the current limit, or the connection is
   *     closed); it is then counted as stale
   */
  public boolean updateLimit(long newLimit) {
    List<Grant> grants;
    synchronized (lock) {
      if (closedBy != null || newLimit <= limit) {
        staleUpdates++;
        return false;
      }
      limit = newLimit;
      grants = serveLocked();
    }
    complete(grants);
    return true;
  }

  /** Bytes the connection window still allows. */
  public long available() {
    synchronized (lock) {
      return limit - granted;
    }
  }

  /**
   * Closes the connection: every stream closes and every waiter fails with a {@link
   * WindowClosedException} caused by {@code cause}. Idempotent: later calls do nothing.
   */
  public void close(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    List<Waiter> failed;
    synchronized (lock) {
      if (closedBy != null) {
        return;
      }
      closedBy = cause;
      for (SendStream stream : streams) {
        stream.closeLocked(cause);
      }
      streams.clear();
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter waiter : failed) {
      waiter.future.completeExceptionally(new WindowClosedException("connection", cause));
    }
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    synchronized (lock) {
      return closedBy != null;
    }
  }

  /** The connection's counters, the streams' summed. */
  public CreditStats stats() {
    synchronized (lock) {
      long stale = staleUpdates + closedStreamsStale;
      for (SendStream stream : streams) {
        stale += stream.staleUpdates;
      }
      return new CreditStats(limit, granted, stale, blockedAcquires, waiters.size());
    }
  }

  // ---- called by SendStream, which shares this lock ----

  Object lock() {
    return lock;
  }

  long tryAcquireLocked(SendStream stream, long wanted) {
    // Behind the stream's own waiters; anyone else still waiting is blocked by its own stream's
    // window (serveLocked would have served it otherwise) or the connection has no credit.
    if (closedBy != null || stream.closedBy != null || stream.waiting > 0) {
      return 0;
    }
    long grant = Math.min(wanted, Math.min(limit - granted, stream.limit - stream.granted));
    if (grant <= 0) {
      return 0;
    }
    granted += grant;
    stream.granted += grant;
    return grant;
  }

  CompletableFuture<Long> acquire(SendStream stream, long wanted) {
    Credits.checkPositive("bytes", wanted);
    CreditFuture future = new CreditFuture(this);
    Throwable closed;
    synchronized (lock) {
      closed = closedBy != null ? closedBy : stream.closedBy;
      if (closed == null) {
        long grant = tryAcquireLocked(stream, wanted);
        if (grant > 0) {
          future.complete(grant); // nobody has seen the future yet: safe under the lock
          return future;
        }
        blockedAcquires++;
        waiters.addLast(new Waiter(stream, wanted, future));
        stream.waiting++;
        return future;
      }
    }
    future.completeExceptionally(
        new WindowClosedException(closed == closedBy ? "connection" : "stream", closed));
    return future;
  }

  /** A waiter's future was cancelled: it leaves the queue, so that it holds up nobody. */
  void withdraw(CreditFuture future) {
    List<Grant> grants;
    synchronized (lock) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.future == future) {
          it.remove();
          waiter.stream.waiting--;
          break;
        }
      }
      grants = serveLocked();
    }
    complete(grants);
  }

  /** A stream's limit rose: serve what now fits. */
  void streamUpdated() {
    List<Grant> grants;
    synchronized (lock) {
      grants = serveLocked();
    }
    complete(grants);
  }

  void streamClosed(SendStream stream, Throwable cause) {
    List<Waiter> failed = new ArrayList<>();
    List<Grant> grants;
    synchronized (lock) {
      if (!stream.closeLocked(cause)) {
        return;
      }
      streams.remove(stream);
      closedStreamsStale += stream.staleUpdates;
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.stream == stream) {
          failed.add(waiter);
          it.remove();
          waiter.stream.waiting--;
        }
      }
      grants = serveLocked();
    }
    for (Waiter waiter : failed) {
      waiter.future.completeExceptionally(new WindowClosedException("stream", cause));
    }
    complete(grants);
  }

  /**
   * Grants waiters in arrival order while the connection has credit. A waiter whose own stream has
   * no credit is passed over, so one stalled stream holds up nobody else (the head-of-line blocking
   * this package exists to prevent); one waiting for connection credit holds up everyone behind it,
   * so connection credit goes out in arrival order.
   */
  private List<Grant> serveLocked() {
    List<Grant> grants = null;
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && limit - granted > 0; ) {
      Waiter waiter = it.next();
      if (waiter.future.isDone()) { // cancelled: its cleanup may not have run yet
        it.remove();
        waiter.stream.waiting--;
        continue;
      }
      long streamCredit = waiter.stream.limit - waiter.stream.granted;
      if (streamCredit <= 0) {
        continue;
      }
      long grant = Math.min(waiter.wanted, Math.min(limit - granted, streamCredit));
      it.remove();
      waiter.stream.waiting--;
      granted += grant;
      waiter.stream.granted += grant;
      if (grants == null) {
        grants = new ArrayList<>();
      }
      grants.add(new Grant(waiter, grant));
    }
    return grants == null ? List.of() : grants;
  }

  private void complete(List<Grant> grants) {
    for (Grant grant : grants) {
      if (!grant.waiter.future.complete(grant.bytes)) {
        giveBack(grant); // cancelled between the grant and now
      }
    }
  }

  /** Returns credit granted to a waiter that was cancelled before it could take it. */
  private void giveBack(Grant grant) {
    List<Grant> grants;
    synchronized (lock) {
      granted -= grant.bytes;
      grant.waiter.stream.granted -= grant.bytes;
      grants = serveLocked();
    }
    complete(grants);
  }

  private record Waiter(SendStream stream, long wanted, CreditFuture future) {}

  /** A credit request's future; cancelling it withdraws the request. */
  private static final class CreditFuture extends CompletableFuture<Long> {
    private final SendWindow connection;

    CreditFuture(SendWindow connection) {
      this.connection = connection;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        connection.withdraw(this);
      }
      return cancelled;
    }
  }

  private record Grant(Waiter waiter, long bytes) {}
}
