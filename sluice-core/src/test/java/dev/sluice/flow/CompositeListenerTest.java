package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeListenerTest {
  private static final FlowKey KEY = FlowKey.of("tenant", 3);
  private static final FlowRequest REQUEST = FlowRequest.of(KEY);

  /** Writes each call it gets to a shared log, prefixed with its name. */
  private static FlowControlListener logging(String name, List<String> log) {
    return new FlowControlListener() {
      @Override
      public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
        log.add(name + " outcome " + outcome + " " + queueNanos);
      }

      @Override
      public void onAdmissionClosed(FlowRequest request) {
        log.add(name + " closed " + request.flowKey().id());
      }

      @Override
      public void onFlowCreated(FlowKey key) {
        log.add(name + " flowCreated " + key.id());
      }

      @Override
      public void onFlowCollected(FlowKey key) {
        log.add(name + " flowCollected " + key.id());
      }

      @Override
      public void onBandCreated(int priority) {
        log.add(name + " bandCreated " + priority);
      }

      @Override
      public void onBandCollected(int priority) {
        log.add(name + " bandCollected " + priority);
      }
    };
  }

  private static void callEveryMethod(FlowControlListener listener) {
    listener.onOutcome(REQUEST, Outcome.EVICTED_TTL, 7);
    listener.onAdmissionClosed(REQUEST);
    listener.onFlowCreated(KEY);
    listener.onFlowCollected(KEY);
    listener.onBandCreated(3);
    listener.onBandCollected(3);
  }

  @Test
  void everyMethodReachesEveryListenerInOrder() {
    List<String> log = new ArrayList<>();

    callEveryMethod(FlowControlListener.of(logging("a", log), logging("b", log)));

    assertThat(log)
        .containsExactly(
            "a outcome EVICTED_TTL 7", "b outcome EVICTED_TTL 7",
            "a closed tenant", "b closed tenant",
            "a flowCreated tenant", "b flowCreated tenant",
            "a flowCollected tenant", "b flowCollected tenant",
            "a bandCreated 3", "b bandCreated 3",
            "a bandCollected 3", "b bandCollected 3");
  }

  @Test
  void aThrowingListenerDoesNotSilenceTheNextOne() {
    List<String> log = new ArrayList<>();
    FlowControlListener throwing =
        new FlowControlListener() {
          @Override
          public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
            throw new IllegalStateException("outcome");
          }

          @Override
          public void onAdmissionClosed(FlowRequest request) {
            throw new IllegalStateException("closed");
          }

          @Override
          public void onFlowCreated(FlowKey key) {
            throw new IllegalStateException("flowCreated");
          }

          @Override
          public void onFlowCollected(FlowKey key) {
            throw new IllegalStateException("flowCollected");
          }

          @Override
          public void onBandCreated(int priority) {
            throw new IllegalStateException("bandCreated");
          }

          @Override
          public void onBandCollected(int priority) {
            throw new IllegalStateException("bandCollected");
          }
        };

    callEveryMethod(FlowControlListener.of(List.of(throwing, logging("b", log))));

    assertThat(log)
        .containsExactly(
            "b outcome EVICTED_TTL 7",
            "b closed tenant",
            "b flowCreated tenant",
            "b flowCollected tenant",
            "b bandCreated 3",
            "b bandCollected 3");
  }

  @Test
  void aControllerReportsToEachListenerOfTheComposite() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    try (Harness h = new Harness(1, b -> b.listener(FlowControlListener.of(first, second)))) {
      h.submit(Harness.request("a", 0)).join().close();

      assertThat(first.events()).hasSize(1);
      assertThat(second.events()).hasSize(1);
      assertThat(first.lifecycle("flowCreated")).isEqualTo(1);
      assertThat(second.lifecycle("flowCreated")).isEqualTo(1);
    }
  }

  @Test
  void noListenersIsTheNoOpAndNullsAreRefused() {
    assertThat(FlowControlListener.of()).isSameAs(FlowControlListener.NO_OP);
    assertThat(FlowControlListener.of(List.of())).isSameAs(FlowControlListener.NO_OP);
    assertThatThrownBy(() -> FlowControlListener.of(FlowControlListener.NO_OP, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listeners[1]");
  }
}
