package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.FlowConfigException;
import dev.sluice.flow.Ticker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Defaults (every lever off) and validation of every field, each message naming field, value and
 * expectation.
 */
class BackpressureConfigTest {

  @Test
  void defaultsTurnEveryLeverOff() {
    BackpressureConfig config = BackpressureConfig.builder().build();

    assertThat(config.watermarks()).isEmpty();
    assertThat(config.signals()).isEmpty();
    assertThat(config.quantumSignal()).isEmpty();
    assertThat(config.consumerQuantum()).isZero();
    assertThat(config.maxInFlightPerProducer()).isEqualTo(BackpressureConfig.UNLIMITED);
    assertThat(config.maxLeasePerCall()).isEqualTo(BackpressureConfig.UNLIMITED);
    assertThat(config.reporter()).isEmpty();
    assertThat(config.listeners()).isEmpty();
    assertThat(config.ticker()).isNotNull();
  }

  @Test
  void keepsWhatWasSet() {
    CapacityReporter reporter = signal -> 0;
    Ticker ticker = () -> 7;
    BackpressureListener listener = new BackpressureListener() {};
    BackpressureConfig config =
        BackpressureConfig.builder()
            .watermark("bytes", 32, 64)
            .watermark("refs", 192, 256)
            .consumerQuantum("items", 8)
            .maxInFlightPerProducer(4)
            .maxLeasePerCall(2)
            .reporter(reporter)
            .ticker(ticker)
            .listener(listener)
            .build();

    assertThat(config.watermarks())
        .containsExactly(new Watermark("bytes", 32, 64), new Watermark("refs", 192, 256));
    assertThat(config.signals()).containsExactly("bytes", "refs", "items");
    assertThat(config.quantumSignal()).contains("items");
    assertThat(config.consumerQuantum()).isEqualTo(8);
    assertThat(config.maxInFlightPerProducer()).isEqualTo(4);
    assertThat(config.maxLeasePerCall()).isEqualTo(2);
    assertThat(config.reporter()).containsSame(reporter);
    assertThat(config.ticker()).isSameAs(ticker);
    assertThat(config.listeners()).containsExactly(listener);
  }

  @Test
  void equalMarksAreValid() {
    assertThat(
            BackpressureConfig.builder()
                .watermark("refs", 128, 128)
                .consumerQuantum("refs", 128)
                .build()
                .signals())
        .containsExactly("refs");
  }

  @Test
  void rejectsEveryInvalidFieldAtOnce() {
    assertThatThrownBy(
            () ->
                BackpressureConfig.builder()
                    .watermark("bytes", 20, 10)
                    .watermark("refs", -1, 0)
                    .watermark(" ", 1, 2)
                    .watermark("bytes", 1, 2)
                    .consumerQuantum("items", 0)
                    .maxInFlightPerProducer(-1)
                    .maxLeasePerCall(-2)
                    .build())
        .isInstanceOfSatisfying(
            FlowConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "watermarks[bytes].high: 10 (expected: >= low 20)",
                        "watermarks[refs].high: 0 (expected: > 0)",
                        "watermarks[refs].low: -1 (expected: >= 0)",
                        "watermarks[2].signal: \" \" (expected: a name, not blank)",
                        "watermarks[bytes].signal: \"bytes\" (expected: unique, it has two watermarks)",
                        "consumerQuantum: 0 (expected: > 0)",
                        "maxInFlightPerProducer: -1 (expected: >= 0, 0 = unlimited)",
                        "maxLeasePerCall: -2 (expected: >= 0, 0 = unlimited)"));
  }

  @Test
  void watermarksOnTheQuantumSignalMustHoldABatch() {
    assertThatThrownBy(
            () ->
                BackpressureConfig.builder()
                    .watermark("refs", 64, 96)
                    .consumerQuantum("refs", 128)
                    .build())
        .isInstanceOfSatisfying(
            FlowConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "watermarks[refs].low: 64 (expected: >= consumerQuantum 128)",
                        "watermarks[refs].high: 96 (expected: >= consumerQuantum 128)"));
  }

  @Test
  void aQuantumNeedsASignal() {
    assertThatThrownBy(() -> BackpressureConfig.builder().consumerQuantum(null, 4).build())
        .isInstanceOfSatisfying(
            FlowConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly("consumerQuantum.signal: null (expected: a name, not blank)"));
    assertThatThrownBy(() -> BackpressureConfig.builder().watermark(null, 1, 2).build())
        .hasMessageContaining("watermarks[0].signal: null (expected: a name, not blank)");
  }

  @Test
  void rejectsNullCollaborators() {
    BackpressureConfig.Builder builder = BackpressureConfig.builder();
    assertThatThrownBy(() -> builder.reporter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reporter");
    assertThatThrownBy(() -> builder.ticker(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
    assertThatThrownBy(() -> builder.listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
    assertThatThrownBy(() -> BackpressureController.create(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theBuiltConfigurationIsImmutable() {
    BackpressureConfig config = BackpressureConfig.builder().watermark("bytes", 1, 2).build();
    assertThatThrownBy(() -> config.watermarks().add(new Watermark("x", 1, 2)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(config.listeners()).isEqualTo(List.of());
  }
}
