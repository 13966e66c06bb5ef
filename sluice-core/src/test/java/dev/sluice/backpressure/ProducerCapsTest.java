package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ProducerCaps}: grants under the cap, releases within what is held, the total adds up. */
class ProducerCapsTest {

  @Test
  void grantsUpToTheCapPerProducer() {
    ProducerCaps caps = new ProducerCaps(4);

    assertThat(caps.grant("a", 3)).isEqualTo(3);
    assertThat(caps.grant("a", 3)).isEqualTo(1);
    assertThat(caps.grant("a", 3)).isZero();
    assertThat(caps.grant("b", 2)).isEqualTo(2);
    assertThat(caps.held("a")).isEqualTo(4);
    assertThat(caps.total()).isEqualTo(6);
  }

  @Test
  void unlimitedGrantsEverythingAsked() {
    ProducerCaps caps = new ProducerCaps(BackpressureConfig.UNLIMITED);

    assertThat(caps.grant("a", 1_000)).isEqualTo(1_000);
    assertThat(caps.grant("a", Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    assertThat(caps.total()).isEqualTo(1_000L + Integer.MAX_VALUE);
  }

  @Test
  void releaseMakesRoomAndDropsAProducerHoldingNothing() {
    ProducerCaps caps = new ProducerCaps(4);
    caps.grant("a", 4);

    caps.release("a", 1);
    assertThat(caps.held("a")).isEqualTo(3);
    assertThat(caps.grant("a", 10)).isEqualTo(1);
    caps.release("a", 4);
    caps.release("a", 0);
    assertThat(caps.held("a")).isZero();
    assertThat(caps.total()).isZero();
    assertThat(caps.forget("a")).isZero(); // no entry left behind
  }

  @Test
  void releasingMoreThanHeldOrANegativeCountIsRefusedAndChangesNothing() {
    ProducerCaps caps = new ProducerCaps(4);
    caps.grant("a", 2);

    assertThatThrownBy(() -> caps.release("a", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count: 3 (expected: 0 to 2, the items in flight for producer a)");
    assertThatThrownBy(() -> caps.release("b", 1))
        .hasMessage("count: 1 (expected: 0 to 0, the items in flight for producer b)");
    assertThatThrownBy(() -> caps.release("a", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(caps.held("a")).isEqualTo(2);
    assertThat(caps.total()).isEqualTo(2);
  }

  @Test
  void forgetReturnsWhatTheProducerHeldAndTakesItOffTheTotal() {
    ProducerCaps caps = new ProducerCaps(4);
    caps.grant("a", 3);
    caps.grant("b", 1);

    assertThat(caps.forget("a")).isEqualTo(3);
    assertThat(caps.held("a")).isZero();
    assertThat(caps.total()).isEqualTo(1);
    assertThat(caps.grant("a", 10)).isEqualTo(4);
  }
}
