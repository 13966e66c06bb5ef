package dev.sluice.credit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Receiver-side window growth on a simulated link, driven by the manual clock: a sender limited by
 * its credit, a 10 ms round trip, and a reader that either keeps up or does not.
 */
class WindowTuningTest {

  private static final long WINDOW = 1_000;
  private static final long CAP = 64_000;
  private static final long ONE_WAY_MS = 5;
  private static final long LINK_BYTES_PER_MS = 4_000; // bandwidth-delay product: 40 000 bytes
  private static final long SIMULATED_MS = 2_000;

  private final ManualClock clock = new ManualClock();

  /** What one simulated run saw. */
  private record Run(long delivered, long window, long maxBuffered, ReceiveStream stream) {}

  /**
   * Simulates the link for {@link #SIMULATED_MS}: each millisecond the sender sends what its credit
   * and the link allow, data and updates arrive {@link #ONE_WAY_MS} later, and the reader consumes
   * up to {@code readable.applyAsLong(buffered)} bytes.
   */
  private Run simulate(boolean tune, LongUnaryOperator readable) {
    ReceiveWindow.Builder builder =
        ReceiveWindow.builder(clock, limit -> {})
            .connectionWindow(1L << 40)
            .streamWindow(WINDOW)
            .flushDelay(Duration.ofMillis(20));
    if (tune) {
      builder.autoTune(clock, CAP);
    }
    ReceiveWindow window = builder.build();
    ArrayDeque<long[]> toReceiver = new ArrayDeque<>(); // {arrival ms, bytes}
    ArrayDeque<long[]> toSender = new ArrayDeque<>(); // {arrival ms, limit}
    long origin = clock.read();
    // Updates leave at the clock's time: the delayed flush runs inside clock.advance.
    ReceiveStream stream =
        window.newStream(
            limit ->
                toSender.addLast(
                    new long[] {(clock.read() - origin) / 1_000_000 + ONE_WAY_MS, limit}));
    long senderLimit = WINDOW;
    long sent = 0;
    long delivered = 0;
    long maxBuffered = 0;
    for (long now = 0; now < SIMULATED_MS; now++) {
      while (!toSender.isEmpty() && toSender.peekFirst()[0] <= now) {
        senderLimit = Math.max(senderLimit, toSender.pollFirst()[1]);
      }
      long send = Math.min(senderLimit - sent, LINK_BYTES_PER_MS);
      if (send > 0) {
        toReceiver.addLast(new long[] {now + ONE_WAY_MS, send});
        sent += send;
      }
      while (!toReceiver.isEmpty() && toReceiver.peekFirst()[0] <= now) {
        assertThat(stream.onData(toReceiver.pollFirst()[1])).as("within the limit").isTrue();
      }
      maxBuffered = Math.max(maxBuffered, stream.buffered());
      long read = Math.min(stream.buffered(), readable.applyAsLong(stream.buffered()));
      if (read > 0) {
        stream.consumed(read);
        delivered += read;
      }
      clock.advance(Duration.ofMillis(1));
    }
    return new Run(delivered, stream.window(), maxBuffered, stream);
  }

  @Test
  void aWindowLimitedStreamGrowsItsWindowToTheCapAndGoesFaster() {
    Run fixed = simulate(false, buffered -> buffered);
    Run tuned = simulate(true, buffered -> buffered);
    System.out.printf(
        "window tuning, 10 ms round trip, %d KB/ms link: fixed %d B window delivered %d KB, tuned"
            + " (cap %d) delivered %d KB%n",
        LINK_BYTES_PER_MS / 1000, WINDOW, fixed.delivered / 1000, CAP, tuned.delivered / 1000);
    assertThat(fixed.window).isEqualTo(WINDOW);
    assertThat(tuned.window).isEqualTo(CAP);
    // Fixed: about a window per round trip. Tuned: the link's rate once the cap (above the
    // bandwidth-delay product) is reached.
    assertThat(tuned.delivered).isGreaterThan(20 * fixed.delivered);
    assertThat(tuned.maxBuffered).isLessThanOrEqualTo(CAP);
    WindowTuner tuner = tuned.stream.tuner();
    assertThat(tuner).isNotNull();
    assertThat(tuner.minRttNanos()).isEqualTo(Duration.ofMillis(2 * ONE_WAY_MS).toNanos());
    assertThat(tuner.growths()).isEqualTo(6); // 1 000 -> 64 000: six doublings
  }

  @Test
  void aSlowReaderKeepsTheInitialWindow() {
    Run slow = simulate(true, buffered -> 20); // 20 B/ms: half of a window per round trip
    assertThat(slow.window).isEqualTo(WINDOW);
    assertThat(slow.maxBuffered).isLessThanOrEqualTo(WINDOW);
    assertThat(slow.stream.tuner().minRttNanos()).isGreaterThanOrEqualTo(10_000_000L);
  }

  @Test
  void withoutTuningTheStreamHasNoTunerAndTheCapIsTheWindow() {
    ReceiveWindow window = ReceiveWindow.builder(clock, limit -> {}).streamWindow(100).build();
    assertThat(window.maxStreamWindow()).isEqualTo(100);
    assertThat(window.newStream(limit -> {}).tuner()).isNull();
    ReceiveWindow tuned =
        ReceiveWindow.builder(clock, limit -> {}).streamWindow(100).autoTune(clock, 800).build();
    assertThat(tuned.maxStreamWindow()).isEqualTo(800);
    assertThat(tuned.newStream(limit -> {}).window()).isEqualTo(100);
  }

  @Test
  void theCapIsChecked() {
    assertThatThrownBy(
            () ->
                ReceiveWindow.builder(clock, limit -> {})
                    .streamWindow(100)
                    .autoTune(clock, 99)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStreamWindow: 99 (expected: >= streamWindow 100)");
    assertThatThrownBy(() -> ReceiveWindow.builder(clock, limit -> {}).autoTune(clock, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStreamWindow: 0 (expected: > 0)");
  }

  @Test
  void theWindowDoublesOnlyUpToTheCapEvenFromAnOddSize() {
    WindowTuner tuner = new WindowTuner(clock, 300, 1_000);
    long limit = 300;
    long consumed = 0;
    // A first update times the round trip: 1 ms until data passes the limit before it.
    limit = consumed + tuner.onUpdate(limit, consumed);
    clock.advance(Duration.ofMillis(1));
    tuner.onReceived(301);
    for (int i = 0; i < 5; i++) {
      consumed += tuner.window();
      limit = consumed + tuner.onUpdate(limit, consumed);
    }
    assertThat(tuner.window()).isEqualTo(1_000); // 300, 600, 1 000 (capped), then stays
    assertThat(tuner.growths()).isEqualTo(2);
    assertThat(limit).isEqualTo(consumed + 1_000);
  }
}
