package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsEveryUnitIsoAndBareMilliseconds() {
    assertThat(Durations.parse("250ns")).isEqualTo(Duration.ofNanos(250));
    assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("50ms")).isEqualTo(Duration.ofMillis(50));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse(" 2 m ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesWhatIsNotADuration() {
    assertThat(Durations.parse("")).isNull();
    assertThat(Durations.parse("-5ms")).isNull();
    assertThat(Durations.parse("5 parsecs")).isNull();
    assertThat(Durations.parse("1.5")).isNull();
    assertThat(Durations.parse("99999999999999999999h")).isNull();
    assertThat(Durations.parse("9999999999999999999")).isNull();
    assertThatThrownBy(() -> Durations.parseOrThrow("soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'soon' (expected: a duration such as 500ms, 30s or 2m)");
  }
}
