package dev.sluice.credit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SendWindowTest {

  private static final IllegalStateException PEER_GONE = new IllegalStateException("peer gone");

  @Test
  void grantsAtMostWhatBothWindowsAllowAndPartially() {
    SendWindow connection = SendWindow.create(100);
    SendStream stream = connection.newStream(30);

    assertThat(stream.acquire(50).join()).isEqualTo(30); // the stream's window is the bound
    SendStream other = connection.newStream(500);
    assertThat(other.acquire(500).join()).isEqualTo(70); // the connection's is
    assertThat(connection.available()).isZero();
    assertThat(other.tryAcquire(1)).isZero();
  }

  @Test
  void aWaiterIsServedWhenBothLimitsRise() {
    SendWindow connection = SendWindow.create(10);
    SendStream stream = connection.newStream(10);
    assertThat(stream.acquire(10).join()).isEqualTo(10);

    CompletableFuture<Long> waiting = stream.acquire(8);
    assertThat(waiting).isNotDone();
    assertThat(stream.updateLimit(15)).isTrue();
    assertThat(waiting).as("the connection has no credit yet").isNotDone();
    assertThat(connection.updateLimit(30)).isTrue();

    assertThat(waiting.join()).isEqualTo(5);
    assertThat(connection.stats().blockedAcquires()).isEqualTo(1);
  }

  @Test
  void connectionCreditGoesOutInArrivalOrderAcrossStreams() {
    SendWindow connection = SendWindow.create(0);
    SendStream a = connection.newStream(100);
    SendStream b = connection.newStream(100);
    CompletableFuture<Long> first = a.acquire(10);
    CompletableFuture<Long> second = b.acquire(10);

    assertThat(b.tryAcquire(1)).as("no overtaking a waiter").isZero();
    connection.updateLimit(10);

    assertThat(first).isCompletedWithValue(10L);
    assertThat(second).isNotDone();
    connection.updateLimit(15);
    assertThat(second).isCompletedWithValue(5L);
  }

  @Test
  void aStreamOutOfItsOwnCreditHoldsUpNobodyElse() {
    SendWindow connection = SendWindow.create(1_000);
    SendStream stalled = connection.newStream(10);
    SendStream healthy = connection.newStream(100);
    assertThat(stalled.acquire(10).join()).isEqualTo(10);
    CompletableFuture<Long> blocked = stalled.acquire(10); // its own window is empty

    assertThat(healthy.tryAcquire(40)).isEqualTo(40);
    assertThat(healthy.acquire(60).join()).isEqualTo(60);
    CompletableFuture<Long> healthyWaits = healthy.acquire(5); // its own window is empty too
    assertThat(blocked).isNotDone();
    stalled.updateLimit(15);
    assertThat(blocked).isCompletedWithValue(5L);
    assertThat(healthyWaits).isNotDone();
    assertThat(stalled.tryAcquire(1)).isZero(); // nothing left on its own window
  }

  @Test
  void staleUpdatesChangeNothingAndAreCounted() {
    SendWindow connection = SendWindow.create(100);
    SendStream stream = connection.newStream(50);

    assertThat(stream.updateLimit(80)).isTrue();
    assertThat(stream.updateLimit(80)).as("duplicate").isFalse();
    assertThat(stream.updateLimit(60)).as("reordered").isFalse();
    assertThat(connection.updateLimit(100)).isFalse();

    assertThat(stream.available()).isEqualTo(80);
    assertThat(connection.stats().staleUpdates()).isEqualTo(3);
  }

  @Test
  void closingAStreamFailsItsWaitersOnlyAndPassesItsTurn() {
    SendWindow connection = SendWindow.create(0);
    SendStream closing = connection.newStream(100);
    SendStream other = connection.newStream(100);
    CompletableFuture<Long> doomed = closing.acquire(10);
    CompletableFuture<Long> next = other.acquire(10);

    closing.close(PEER_GONE);
    closing.close(PEER_GONE); // idempotent

    assertThatThrownBy(doomed::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(WindowClosedException.class)
        .hasRootCause(PEER_GONE);
    connection.updateLimit(10);
    assertThat(next).isCompletedWithValue(10L);
    assertThat(closing.updateLimit(1_000)).as("late update on a closed stream").isFalse();
    assertThatThrownBy(() -> closing.acquire(1).join())
        .hasCauseInstanceOf(WindowClosedException.class);
  }

  @Test
  void closingTheConnectionFailsEveryWaiterAtOnce() {
    SendWindow connection = SendWindow.create(0);
    CompletableFuture<Long> a = connection.newStream(10).acquire(1);
    CompletableFuture<Long> b = connection.newStream(10).acquire(1);

    connection.close(PEER_GONE);

    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
    assertThat(connection.isClosed()).isTrue();
    assertThatThrownBy(() -> connection.newStream(1)).isInstanceOf(WindowClosedException.class);
    assertThat(connection.updateLimit(100)).isFalse();
  }

  @Test
  void aCancelledWaiterLeavesTheQueueAndLosesNoCredit() {
    SendWindow connection = SendWindow.create(0);
    SendStream stream = connection.newStream(100);
    CompletableFuture<Long> cancelled = stream.acquire(10);
    CompletableFuture<Long> behind = stream.acquire(10);

    assertThat(cancelled.cancel(false)).isTrue();
    connection.updateLimit(10);

    assertThat(behind).isCompletedWithValue(10L);
    assertThat(connection.stats().granted()).isEqualTo(10);
    assertThat(connection.stats().waiting()).isZero();
  }

  @Test
  void badArgumentsNameTheField() {
    assertThatThrownBy(() -> SendWindow.create(-1)).hasMessage("initialLimit: -1 (expected: >= 0)");
    SendStream stream = SendWindow.create(1).newStream(1);
    assertThatThrownBy(() -> stream.acquire(0)).hasMessage("bytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> stream.tryAcquire(-5)).hasMessage("bytes: -5 (expected: > 0)");
  }
}
