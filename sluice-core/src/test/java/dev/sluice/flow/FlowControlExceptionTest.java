package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlowControlExceptionTest {

  @Test
  void aNullOutcomeIsNamedInTheError() {
    assertThatThrownBy(() -> new FlowControlException(null, "why"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("outcome");
  }

  @Test
  void dispatchedIsNotAFailure() {
    assertThatThrownBy(() -> new FlowControlException(Outcome.DISPATCHED, "why"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outcome: DISPATCHED");
  }

  @Test
  void theMessageStartsWithTheReason() {
    FlowControlException e = new FlowControlException(Outcome.REJECTED_CAPACITY, "band 0 full");

    assertThat(e.outcome()).isEqualTo(Outcome.REJECTED_CAPACITY);
    assertThat(e).hasMessage("rejected-capacity: band 0 full");
  }
}
