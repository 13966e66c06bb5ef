package dev.sluice.credit;

/**
 * A snapshot of a sending connection's credit. Immutable, so thread-safe.
 *
 * @param limit the connection's limit: the bytes the receiver allows in total
 * @param granted bytes granted to senders so far
 * @param staleUpdates limit updates that changed nothing (duplicate, reordered, late or after a
 *     close), on the connection and its streams
 * @param blockedAcquires requests that had to wait for credit
 * @param waiting requests waiting now
 */
public record CreditStats(
    long limit, long granted, long staleUpdates, long blockedAcquires, int waiting) {

  /** Bytes the connection window still allows. */
  public long available() {
    return limit - granted;
  }
}
