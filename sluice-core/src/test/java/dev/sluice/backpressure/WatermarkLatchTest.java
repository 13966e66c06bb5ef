package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The latch's hysteresis: when it pauses and resumes, over one signal or several. */
class WatermarkLatchTest {

  private final ManualClock clock = new ManualClock();
  private final List<String> transitions = new ArrayList<>();

  private BackpressureConfig.Builder config() {
    return BackpressureConfig.builder()
        .ticker(clock)
        .listener(
            new BackpressureListener() {
              @Override
              public void onPaused(String signal, long level) {
                transitions.add("pause " + signal + "=" + level);
              }

              @Override
              public void onResumed() {
                transitions.add("resume");
              }
            });
  }

  private List<Boolean> feed(BackpressureController latch, String signal, long... levels) {
    List<Boolean> states = new ArrayList<>();
    for (long level : levels) {
      states.add(latch.update(signal, level));
    }
    return states;
  }

  @Test
  void specForgeHysteresisSequencePausesOnceAndResumesOnce() {
    BackpressureController latch =
        BackpressureController.create(config().watermark("bytes", 50, 100).build());

    assertThat(feed(latch, "bytes", 40, 100, 70, 50)).containsExactly(false, true, true, false);

    assertThat(latch.stats().pauses()).isEqualTo(1);
    assertThat(latch.stats().resumes()).isEqualTo(1);
    assertThat(transitions).containsExactly("pause bytes=100", "resume");
  }

  @Test
  void insideTheBandThePreviousStateHolds() {
    BackpressureController latch =
        BackpressureController.create(config().watermark("bytes", 50, 100).build());

    // Rising through the band does not pause; above high it stays paused until low.
    assertThat(feed(latch, "bytes", 51, 99, 150, 99, 51, 99))
        .containsExactly(false, false, true, true, true, true);
    assertThat(feed(latch, "bytes", 0, 99, 51)).containsExactly(false, false, false);
    assertThat(transitions).containsExactly("pause bytes=150", "resume");
  }

  @Test
  void equalMarksNeverFlapOnTheMark() {
    BackpressureController latch =
        BackpressureController.create(config().watermark("refs", 128, 128).build());

    // SpecForge's inclusive rule flipped on every call at 128; here the mark holds the state.
    assertThat(feed(latch, "refs", 128, 128, 128, 128)).containsExactly(true, true, true, true);
    assertThat(latch.stats().pauses()).isEqualTo(1);
    assertThat(latch.stats().resumes()).isZero();

    assertThat(feed(latch, "refs", 127, 127, 128, 128)).containsExactly(false, false, true, true);
    assertThat(transitions).containsExactly("pause refs=128", "resume", "pause refs=128");
  }

  @Test
  void equalMarksOscillatingAroundTheMarkGiveOneTransitionPerCrossing() {
    BackpressureController latch =
        BackpressureController.create(config().watermark("refs", 128, 128).build());
    long[] levels = {127, 128, 127, 128, 129, 128, 127, 126, 128, 127};
    int crossingsUp = 0;
    int crossingsDown = 0;
    boolean above = false;
    for (long level : levels) {
      latch.update("refs", level);
      latch.update("refs", level); // the same value again must not flip the latch back
      if (!above && level >= 128) {
        crossingsUp++;
        above = true;
      } else if (above && level < 128) {
        crossingsDown++;
        above = false;
      }
    }
    assertThat(latch.stats().pauses()).isEqualTo(crossingsUp).isEqualTo(3);
    assertThat(latch.stats().resumes()).isEqualTo(crossingsDown).isEqualTo(3);
    assertThat(transitions).hasSize(6);
    for (int i = 0; i < transitions.size(); i++) {
      assertThat(transitions.get(i)).startsWith(i % 2 == 0 ? "pause" : "resume");
    }
  }

  @Test
  void anySignalAtItsHighMarkPausesAndOnlyAllAtTheirLowMarksResume() {
    BackpressureController latch =
        BackpressureController.create(
            config().watermark("bytes", 50, 100).watermark("refs", 192, 256).build());

    assertThat(latch.update("refs", 256)).isTrue();
    assertThat(transitions).containsExactly("pause refs=256");
    assertThat(latch.update("refs", 100)).isFalse(); // bytes is at 0, refs back below low: resume
    assertThat(latch.update("bytes", 100)).isTrue();
    assertThat(latch.update("refs", 300)).isTrue();
    assertThat(latch.update("bytes", 10)).isTrue(); // refs still above its low mark
    assertThat(latch.update("refs", 193)).isTrue(); // one above low still holds
    assertThat(latch.update("refs", 192)).isFalse();
    assertThat(transitions)
        .containsExactly("pause refs=256", "resume", "pause bytes=100", "resume");
    assertThat(latch.stats().levels()).isEqualTo(Map.of("bytes", 10L, "refs", 192L));
  }

  @Test
  void noWatermarkNeverPauses() {
    BackpressureController latch = BackpressureController.create(config().build());

    assertThat(latch.isPaused()).isFalse();
    assertThat(latch.refresh()).isFalse();
    assertThatThrownBy(() -> latch.update("bytes", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signal: bytes (expected: one of [])");
    assertThat(latch.stats().pauses()).isZero();
  }

  @Test
  void updateRejectsUnknownSignalsAndNegativeLevels() {
    BackpressureController latch =
        BackpressureController.create(config().watermark("bytes", 1, 2).build());

    assertThatThrownBy(() -> latch.update("refs", 1))
        .hasMessage("signal: refs (expected: one of [bytes])");
    assertThatThrownBy(() -> latch.update("bytes", -1))
        .hasMessage("bytes level: -1 (expected: >= 0)");
    assertThatThrownBy(() -> latch.update(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void refreshReadsEverySignalFromTheReporter() {
    Map<String, Long> reported = new ConcurrentHashMap<>(Map.of("bytes", 0L, "items", 0L));
    BackpressureController latch =
        BackpressureController.create(
            config()
                .watermark("bytes", 50, 100)
                .consumerQuantum("items", 4)
                .reporter(reported::get)
                .build());

    reported.put("bytes", 120L);
    assertThat(latch.isPaused()).isFalse(); // nothing reads the reporter until refresh()
    assertThat(latch.refresh()).isFalse(); // fewer than a quantum resident: no pause
    reported.put("items", 4L);
    assertThat(latch.refresh()).isTrue();
    reported.put("bytes", 50L);
    assertThat(latch.refresh()).isFalse();
    assertThat(latch.stats().levels()).isEqualTo(Map.of("bytes", 50L, "items", 4L));
    assertThat(transitions).containsExactly("pause bytes=120", "resume");
  }

  @Test
  void aReadingNeverOverwritesOneThatBeganAfterIt() {
    BackpressureController[] holder = new BackpressureController[1];
    holder[0] =
        BackpressureController.create(
            config()
                .watermark("bytes", 50, 100)
                .reporter(
                    signal -> {
                      // A push that lands while refresh() is reading is newer than what refresh()
                      // read.
                      holder[0].update("bytes", 10);
                      return 500;
                    })
                .build());

    assertThat(holder[0].refresh()).isFalse();
    assertThat(holder[0].stats().levels()).containsEntry("bytes", 10L);
  }

  @Test
  void aReporterReportingANegativeLevelFailsTheRefreshAndLeavesTheLatch() {
    BackpressureController latch =
        BackpressureController.create(
            config().watermark("bytes", 50, 100).reporter(signal -> -5).build());

    assertThatThrownBy(latch::refresh)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("reporter bytes level: -5 (expected: >= 0)");
    assertThat(latch.stats().levels()).containsEntry("bytes", 0L);
  }

  @Test
  void theQuantumKeepsTheLatchOpenUntilABatchIsResidentAndReopensItWhenOneIsTaken() {
    BackpressureController latch =
        BackpressureController.create(
            config().watermark("bytes", 100, 200).consumerQuantum("items", 4).build());

    latch.update("items", 3);
    assertThat(latch.update("bytes", 300))
        .isFalse(); // bytes over high, but less than a batch resident
    assertThat(latch.update("items", 4)).isTrue();
    assertThat(latch.update("items", 3))
        .isFalse(); // the consumer took a batch: it needs more to ack
    assertThat(transitions).containsExactly("pause bytes=300", "resume");
  }

  // ------------------------------------------------ the WatermarkLatch part on its own

  @Test
  void theLatchPartReturnsEachTransitionOnceAndCountsPausedTimeUpToNow() {
    WatermarkLatch latch = new WatermarkLatch(config().watermark("bytes", 50, 100).build());

    latch.set(0, 100, 1);
    assertThat(latch.evaluate()).isEqualTo(new Transition(true, "bytes", 100));
    assertThat(latch.evaluate()).isNull(); // still paused: no second transition
    clock.advanceNanos(7);
    assertThat(latch.pausedNanos(clock.read())).isEqualTo(7);
    latch.set(0, 50, 2);
    clock.advanceNanos(3);
    assertThat(latch.evaluate()).isEqualTo(new Transition(false, "", 0));
    clock.advanceNanos(100);
    assertThat(latch.pausedNanos(clock.read())).isEqualTo(10);
    assertThat(latch.pauses() - latch.resumes()).isZero();
    assertThat(latch.levels()).containsExactly(Map.entry("bytes", 50L));
  }

  @Test
  void theLatchPartIgnoresAPulledLevelReadBeforeTheCurrentOne() {
    WatermarkLatch latch = new WatermarkLatch(config().watermark("bytes", 50, 100).build());

    latch.set(0, 10, 5);
    latch.offer(0, 200, 4); // began before the pushed level: stale
    assertThat(latch.evaluate()).isNull();
    assertThat(latch.levels()).containsEntry("bytes", 10L);
    latch.offer(0, 200, 6);
    assertThat(latch.evaluate()).isEqualTo(new Transition(true, "bytes", 200));
    assertThatThrownBy(() -> latch.index("nope"))
        .hasMessage("signal: nope (expected: one of [bytes])");
  }
}
