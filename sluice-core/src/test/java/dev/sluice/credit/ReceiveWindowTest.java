package dev.sluice.credit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReceiveWindowTest {

  private final ManualClock clock = new ManualClock();
  private final List<Long> connectionLimits = new CopyOnWriteArrayList<>();
  private final List<Long> streamLimits = new CopyOnWriteArrayList<>();
  private final ReceiveWindow window =
      ReceiveWindow.builder(clock, connectionLimits::add)
          .connectionWindow(1_000)
          .streamWindow(100)
          .flushDelay(Duration.ofMillis(20))
          .build();

  @Test
  void aStreamIsGivenCreditBackOnlyAsTheApplicationConsumesAtHalfAWindow() {
    ReceiveStream stream = window.newStream(streamLimits::add);
    assertThat(stream.onData(100)).isTrue();
    assertThat(streamLimits).as("received, not consumed").isEmpty();

    stream.consumed(49);
    assertThat(streamLimits).isEmpty();
    stream.consumed(1);
    assertThat(streamLimits).containsExactly(150L);
    assertThat(stream.buffered()).isEqualTo(50);
    assertThat(window.updatesSent()).isEqualTo(1);
  }

  @Test
  void aSmallRemainderIsSentAfterTheFlushDelay() {
    ReceiveStream stream = window.newStream(streamLimits::add);
    stream.onData(10);
    stream.consumed(10);
    assertThat(streamLimits).isEmpty();

    clock.advance(Duration.ofMillis(19));
    assertThat(streamLimits).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(streamLimits).containsExactly(110L);
  }

  @Test
  void theConnectionIsRefilledOnReceiptSoAStalledStreamStarvesNobody() {
    ReceiveStream stalled = window.newStream(streamLimits::add);
    ReceiveStream healthy = window.newStream(l -> {});
    assertThat(stalled.onData(100)).isTrue(); // never consumed
    for (int i = 0; i < 20; i++) {
      assertThat(healthy.onData(50)).isTrue();
      healthy.consumed(50);
    }
    assertThat(connectionLimits).isNotEmpty();
    assertThat(connectionLimits.get(connectionLimits.size() - 1)).isGreaterThan(1_000);
    assertThat(streamLimits).isEmpty();
  }

  @Test
  void dataPastTheLimitIsAViolation() {
    ReceiveStream stream = window.newStream(streamLimits::add);
    assertThat(stream.onData(100)).isTrue();
    assertThat(stream.onData(1)).isFalse();
    assertThat(window.violations()).isEqualTo(1);
  }

  @Test
  void dataAfterACloseIsCountedAndIgnored() {
    ReceiveStream stream = window.newStream(streamLimits::add);
    stream.onData(10);
    stream.consumed(10);
    stream.close();
    stream.close();

    assertThat(stream.onData(500)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(window.lateBytes()).isEqualTo(500);
    assertThat(streamLimits).as("no updates after the close").isEmpty();
  }

  @Test
  void consumingMoreThanArrivedIsRefused() {
    ReceiveStream stream = window.newStream(streamLimits::add);
    stream.onData(5);
    assertThatThrownBy(() -> stream.consumed(6))
        .hasMessage("consumed: 6 (expected: <= received 5)");
  }

  @Test
  void badSettingsNameTheField() {
    assertThatThrownBy(() -> ReceiveWindow.builder(clock, l -> {}).streamWindow(0))
        .hasMessage("streamWindow: 0 (expected: > 0)");
    assertThatThrownBy(() -> ReceiveWindow.builder(clock, l -> {}).updateRatio(1.5))
        .hasMessage("updateRatio: 1.5 (expected: in (0, 1])");
    assertThatThrownBy(
            () -> ReceiveWindow.builder(clock, l -> {}).flushDelay(Duration.ofMillis(-1)))
        .hasMessage("flushDelay: PT-0.001S (expected: >= 0)");
  }
}
