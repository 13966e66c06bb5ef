package dev.sluice.tunnel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's running totals, for the dashboard: bytes sent into the tunnel (read from the
 * local socket), bytes received from it (delivered for the socket), and the time its sender spent
 * blocked on credit. Thread-safe.
 */
final class PipeStats {

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong blockedNanos = new AtomicLong();

  void sent(long bytes) {
    sent.addAndGet(bytes);
  }

  void received(long bytes) {
    received.addAndGet(bytes);
  }

  void blocked(long nanos) {
    blockedNanos.addAndGet(nanos);
  }

  /** Bytes sent into the tunnel so far. */
  long sent() {
    return sent.get();
  }

  /** Bytes received from the tunnel so far. */
  long received() {
    return received.get();
  }

  /** Nanoseconds the sender waited for credit so far. */
  long blockedNanos() {
    return blockedNanos.get();
  }
}
