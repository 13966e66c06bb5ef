package dev.sluice.gateway.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotEstimateTest {

  private static final long MS = 1_000_000;

  @Test
  void doublesUntilTheServerQueuesThenKeepsWhatItRuns() {
    SlotEstimate estimate = new SlotEstimate();
    long now = 0;
    // A server of 4 slots, this gateway its only client, always more work than slots.
    int[] expected = {2, 4, 8};
    for (int slots : expected) {
      estimate.observe(estimate.slots(), 0, false, estimate.slots(), true, now += 50 * MS);
      assertThat(estimate.slots()).isEqualTo(slots);
    }
    // 8 sent, 4 run, 4 wait: the server has 4 slots.
    estimate.observe(4, 4, false, 8, true, now += 50 * MS);
    assertThat(estimate.slots()).isEqualTo(4);
    assertThat(estimate.usable()).isEqualTo(4);
  }

  @Test
  void growsOnlyWhenWorkWasTurnedAwayAndNotWhileTheKvCacheIsFull() {
    SlotEstimate estimate = new SlotEstimate();
    estimate.observe(1, 0, false, 1, false, 0);
    assertThat(estimate.slots()).isEqualTo(1);
    estimate.observe(1, 0, true, 1, true, 50 * MS);
    assertThat(estimate.slots()).isEqualTo(1);
    estimate.observe(1, 0, false, 1, true, 100 * MS);
    assertThat(estimate.slots()).isEqualTo(2);
  }

  @Test
  void probesByOneAtIntervalsThatDoubleWhileTheProbeFindsAQueue() {
    SlotEstimate estimate = new SlotEstimate();
    long now = 0;
    estimate.observe(4, 2, false, 6, true, now);
    assertThat(estimate.slots()).isEqualTo(4);
    // Full, no queue, work turned away: no probe before the interval.
    estimate.observe(4, 0, false, 4, true, now += 100 * MS);
    assertThat(estimate.slots()).isEqualTo(4);
    estimate.observe(4, 0, false, 4, true, now += SlotEstimate.MIN_PROBE_MILLIS * MS);
    assertThat(estimate.slots()).isEqualTo(5);
    // The probe queued one: back to 4, and the next probe waits twice as long.
    estimate.observe(4, 1, false, 5, true, now += 50 * MS);
    assertThat(estimate.slots()).isEqualTo(4);
    estimate.observe(4, 0, false, 4, true, now += SlotEstimate.MIN_PROBE_MILLIS * MS);
    assertThat(estimate.slots()).isEqualTo(4);
    estimate.observe(4, 0, false, 4, true, now += SlotEstimate.MIN_PROBE_MILLIS * MS);
    assertThat(estimate.slots()).isEqualTo(5);
  }

  @Test
  void countsOtherClientsRequestsAgainstTheSlots() {
    SlotEstimate estimate = new SlotEstimate();
    estimate.observe(4, 3, false, 2, false, 0);
    assertThat(estimate.slots()).isEqualTo(4);
    assertThat(estimate.external()).isEqualTo(5);
    assertThat(estimate.usable()).isZero();
    estimate.observe(3, 0, false, 2, false, 50 * MS);
    assertThat(estimate.external()).isEqualTo(1);
    assertThat(estimate.usable()).isEqualTo(3);
  }

  @Test
  void aServerSeenRunningMoreRaisesTheEstimateAtOnce() {
    SlotEstimate estimate = new SlotEstimate();
    estimate.observe(6, 0, false, 6, false, 0);
    assertThat(estimate.slots()).isEqualTo(6);
  }

  @Test
  void aServerWhoseMetricsNeverShowTheGatewaysRequestsStillGrows() {
    SlotEstimate estimate = new SlotEstimate();
    estimate.observe(0, 0, false, 1, true, 0); // a static page: nothing running, ever
    estimate.observe(0, 0, false, 2, true, 50 * MS);
    assertThat(estimate.slots()).isEqualTo(4);
  }

  @Test
  void withoutARunningMetricRunningIsWhatWasSentLessWhatWaits() {
    SlotEstimate estimate = new SlotEstimate();
    estimate.observe(-1, 2, false, 5, true, 0);
    assertThat(estimate.slots()).isEqualTo(3);
    assertThat(estimate.external()).isZero();
  }
}
