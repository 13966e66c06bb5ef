package dev.sluice.credit;

import dev.sluice.flow.Ticker;

/**
 * Receiver-side window auto-tuning for one stream, in the style of QUIC implementations' flow
 * controllers (Chromium's {@code QuicFlowController::MaybeIncreaseMaxWindowSize}) and of the
 * bandwidth-delay-product estimate behind grpc-java's and gRPC-Go's HTTP/2 window tuning: when the
 * application consumed a whole window within about two round trips, the window (not the reader) is
 * what limits the stream, so the window doubles, up to a cap. A reader slower than that never grows
 * it, so a slow consumer costs no more memory than the initial window.
 *
 * <p><b>The round trip is measured by the receiver alone</b>, without a ping on the wire: bytes
 * past the limit advertised before an update can only have been sent after that update reached the
 * sender, so the time from sending an update to the first byte past the previous limit is at least
 * one round trip, and exactly one when the sender was waiting for the update. The minimum of these
 * samples is the estimate (as BBR keeps its min RTT).
 *
 * <p>Not thread-safe: guarded by the owning stream's connection lock.
 */
final class WindowTuner {

  /** A full window consumed within this many round trips grows the window. */
  static final int ROUND_TRIPS = 2;

  private final Ticker ticker;
  private final long maxWindow;
  private long window;
  private long minRttNanos = Long.MAX_VALUE;
  private long probeLimit = -1; // the limit before the update being timed; -1: none in flight
  private long probeSentAt;
  private long epochStart;
  private long epochConsumed;
  private long growths;

  WindowTuner(Ticker ticker, long initialWindow, long maxWindow) {
    this.ticker = ticker;
    this.window = initialWindow;
    this.maxWindow = maxWindow;
    this.epochStart = ticker.read();
  }

  long window() {
    return window;
  }

  /** The round-trip estimate in nanoseconds, or {@code Long.MAX_VALUE} before the first sample. */
  long minRttNanos() {
    return minRttNanos;
  }

  /** Times the window grew. */
  long growths() {
    return growths;
  }

  /** Data arrived; {@code received} is the stream's total so far. */
  void onReceived(long received) {
    if (probeLimit >= 0 && received > probeLimit) {
      minRttNanos = Math.min(minRttNanos, ticker.read() - probeSentAt);
      probeLimit = -1;
    }
  }

  /**
   * An update is about to raise the limit from {@code previousLimit}, with {@code consumed} bytes
   * consumed so far.
   *
   * @return the window the new limit is computed with
   */
  long onUpdate(long previousLimit, long consumed) {
    long now = ticker.read();
    if (probeLimit < 0) {
      probeLimit = previousLimit;
      probeSentAt = now;
    }
    if (consumed - epochConsumed >= window) {
      if (window < maxWindow
          && minRttNanos != Long.MAX_VALUE
          && now - epochStart <= ROUND_TRIPS * minRttNanos) {
        window = window > maxWindow / 2 ? maxWindow : window * 2;
        growths++;
      }
      epochStart = now;
      epochConsumed = consumed;
    }
    return window;
  }
}
