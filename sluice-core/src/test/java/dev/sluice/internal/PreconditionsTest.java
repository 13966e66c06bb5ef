package dev.sluice.internal;

import static dev.sluice.internal.Preconditions.checkArgument;
import static dev.sluice.internal.Preconditions.checkState;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreconditionsTest {

  @Test
  void checkArgumentPassesWhenTrue() {
    assertThatCode(
            () -> {
              checkArgument(true, "never");
              checkArgument(true, "n: %s (expected: > 0)", 1L);
              checkArgument(true, "x: %s, y: %s", "a", "b");
            })
        .doesNotThrowAnyException();
  }

  @Test
  void checkArgumentFormatsTheMessageWhenFalse() {
    assertThatThrownBy(() -> checkArgument(false, "plain"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("plain");
    assertThatThrownBy(() -> checkArgument(false, "maxRequests: %s (expected: > 0)", -3L))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRequests: -3 (expected: > 0)");
    assertThatThrownBy(() -> checkArgument(false, "ratio: %s (expected: in (0, 1])", 1.5))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("ratio: 1.5 (expected: in (0, 1])");
  }

  @Test
  void checkStateThrowsIllegalStateWhenFalse() {
    assertThatCode(
            () -> {
              checkState(true, "never");
              checkState(true, "%s", "never");
            })
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> checkState(false, "closed"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("closed");
    assertThatThrownBy(() -> checkState(false, "level: %s (expected: >= 0)", -1))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("level: -1 (expected: >= 0)");
  }
}
