package dev.sluice.demo.cluster;

import org.jspecify.annotations.Nullable;

/**
 * One call the driver made, times in nanoseconds from the start of its run.
 *
 * @param tenant the fairness id it carried
 * @param replica the replica it was sent to
 * @param sent when it was sent
 * @param dispatched when its response headers (200) arrived, the moment the gateway dispatched it;
 *     -1 if none did
 * @param ended when its response ended
 * @param error why it failed, or {@code null} if it streamed to {@code [DONE]}
 */
record Call(
    String tenant, int replica, long sent, long dispatched, long ended, @Nullable String error) {

  /** The wait from sending to dispatch, in milliseconds. */
  double admissionMillis() {
    return (dispatched - sent) / 1e6;
  }
}
