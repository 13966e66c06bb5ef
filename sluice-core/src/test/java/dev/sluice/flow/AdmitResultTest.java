package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The three results are told apart by identity and by {@code isFull}, never by a cast. */
class AdmitResultTest {

  @Test
  void exactlyOneKindEach() {
    AdmitResult full = AdmitResult.full("global request limit reached");
    assertThat(AdmitResult.DONE).isNotSameAs(AdmitResult.RETRY);
    assertThat(AdmitResult.DONE.isFull()).isFalse();
    assertThat(AdmitResult.RETRY.isFull()).isFalse();
    assertThat(full.isFull()).isTrue();
    assertThat(full).isNotSameAs(AdmitResult.DONE).isNotSameAs(AdmitResult.RETRY);
    assertThat(full.problem()).isEqualTo("global request limit reached");
    assertThat(AdmitResult.DONE.problem()).isNull();
    assertThat(full).hasToString("FULL[global request limit reached]");
  }

  @Test
  void aFullResultNamesItsProblem() {
    assertThatThrownBy(() -> AdmitResult.full(null)).isInstanceOf(NullPointerException.class);
  }
}
