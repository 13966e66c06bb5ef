package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TransitionRelay}: every transition once, in order, never re-entrantly, despite throws. */
class TransitionRelayTest {

  private final List<String> seen = new ArrayList<>();

  private BackpressureListener recording(String name) {
    return new BackpressureListener() {
      @Override
      public void onPaused(String signal, long level) {
        seen.add(name + " pause " + signal + "=" + level);
      }

      @Override
      public void onResumed() {
        seen.add(name + " resume");
      }
    };
  }

  @Test
  void deliversQueuedTransitionsInOrderToEveryListenerOnce() {
    TransitionRelay relay = new TransitionRelay(List.of(recording("a"), recording("b")));
    relay.enqueue(new Transition(true, "bytes", 100));
    relay.enqueue(new Transition(false, "", 0));

    relay.deliver();
    relay.deliver();

    assertThat(seen)
        .containsExactly("a pause bytes=100", "b pause bytes=100", "a resume", "b resume");
  }

  @Test
  void aThrowingListenerDoesNotKeepTheOthersFromBeingTold() {
    BackpressureListener throwing =
        new BackpressureListener() {
          @Override
          public void onPaused(String signal, long level) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onResumed() {
            throw new IllegalStateException("listener bug");
          }
        };
    TransitionRelay relay = new TransitionRelay(List.of(throwing, recording("b")));
    relay.enqueue(new Transition(true, "refs", 7));
    relay.enqueue(new Transition(false, "", 0));

    relay.deliver();

    assertThat(seen).containsExactly("b pause refs=7", "b resume");
  }

  @Test
  void aTransitionQueuedFromAListenerIsDeliveredAfterItNotInsideIt() {
    List<TransitionRelay> self = new ArrayList<>();
    BackpressureListener reentrant =
        new BackpressureListener() {
          @Override
          public void onPaused(String signal, long level) {
            seen.add("pause begins");
            self.get(0).enqueue(new Transition(false, "", 0));
            self.get(0).deliver(); // another delivery is under way: this one returns at once
            seen.add("pause ends");
          }

          @Override
          public void onResumed() {
            seen.add("resume");
          }
        };
    TransitionRelay relay = new TransitionRelay(List.of(reentrant));
    self.add(relay);
    relay.enqueue(new Transition(true, "bytes", 1));

    relay.deliver();

    assertThat(seen).containsExactly("pause begins", "pause ends", "resume");
  }
}
