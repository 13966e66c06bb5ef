package dev.sluice.gateway.internal.pool;

/**
 * How many requests one model server runs at once (its running slots, vLLM's {@code --max-num-seqs}
 * or fewer while its KV cache is the limit), learned from its metrics, and how much of that other
 * clients are using. Nobody configures the number.
 *
 * <p><b>Learning.</b> A server that reports waiting requests is full: its slot count is what it
 * reports running. A server that reports none waiting while running as many as the estimate (by its
 * count or by this gateway's), at a moment this gateway had work it could not place, may have room
 * for more: the estimate doubles until the first queue is seen (slow start, so a 256-slot server is
 * found in eight scrapes), then grows by one at most once per probe interval. The interval doubles
 * each time a probe finds a queue again, from {@value #MIN_PROBE_MILLIS} ms up to {@value
 * #MAX_PROBE_MILLIS} ms, so a server at its true size soon sees one extra queued request a minute
 * at most: a probe's request waits in the server's FIFO queue, where it takes the next slot that
 * frees, whoever was meant to have it. No probe is made while KV-cache utilization is at or above
 * its threshold. A server seen running more than the estimate raises it at once.
 *
 * <p><b>Other clients.</b> Requests the server reports (running plus waiting) beyond this gateway's
 * own in flight there belong to someone else and use slots too.
 *
 * <p>Not thread-safe: guarded by the owning gate's lock.
 */
final class SlotEstimate {

  static final long MIN_PROBE_MILLIS = 500;
  static final long MAX_PROBE_MILLIS = 60_000;

  private int slots = 1;
  private boolean queueSeen;
  private int external;
  private long probeIntervalNanos = MIN_PROBE_MILLIS * 1_000_000;
  private long nextProbeNanos = Long.MIN_VALUE;

  /** The server's slots as far as it has shown them. */
  int slots() {
    return slots;
  }

  /** Slots taken by requests that are not this gateway's. */
  int external() {
    return external;
  }

  /** Slots this gateway may fill on the server, counting its own requests there. */
  int usable() {
    return Math.max(0, slots - external);
  }

  /**
   * One scrape.
   *
   * @param running requests the server runs, or -1 if it does not report them
   * @param waiting requests in the server's own queue
   * @param kvFull whether KV-cache utilization is at or above its threshold
   * @param ours this gateway's requests on the server during the scrape (the larger of the counts
   *     when it began and ended, so that a request sent meanwhile is not mistaken for someone
   *     else's)
   * @param wantedMore whether the gate turned work away for want of slots since the last scrape
   * @param nowNanos the scrape's time
   */
  void observe(
      long running, long waiting, boolean kvFull, int ours, boolean wantedMore, long nowNanos) {
    long runs = running >= 0 ? running : Math.max(0, ours - waiting);
    external = (int) Math.min(Integer.MAX_VALUE, Math.max(0, runs + waiting - ours));
    if (waiting > 0) {
      if (queueSeen) {
        probeIntervalNanos = Math.min(probeIntervalNanos * 2, MAX_PROBE_MILLIS * 1_000_000);
      }
      queueSeen = true;
      slots = (int) Math.max(1, Math.min(Integer.MAX_VALUE, runs));
      nextProbeNanos = nowNanos + probeIntervalNanos;
      return;
    }
    if (runs > slots) {
      slots = (int) Math.min(Integer.MAX_VALUE, runs);
    }
    // Full at the estimate with nothing waiting: by its own count, or by this gateway's (a server
    // whose requests end between scrapes, or whose page is static, may never show them running).
    long busy = Math.max(runs, ours);
    if (busy >= slots
        && wantedMore
        && !kvFull
        && (nextProbeNanos == Long.MIN_VALUE || nowNanos - nextProbeNanos >= 0)) {
      if (queueSeen) {
        slots++;
        nextProbeNanos = nowNanos + probeIntervalNanos;
      } else {
        slots = (int) Math.min(Integer.MAX_VALUE, 2L * slots);
      }
    }
  }

  @Override
  public String toString() {
    return "slots=" + slots + (queueSeen ? "" : "+") + ", external=" + external;
  }
}
