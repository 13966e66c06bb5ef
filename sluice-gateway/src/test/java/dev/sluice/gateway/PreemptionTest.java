package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gateway-level preemption over real HTTP, one backend of one slot held by the test's clock: a
 * premium request that finds the slot taken by a batch request that has not produced its first byte
 * takes it back; the batch request waits at the head of its queue and is served later, or gets 503
 * when its TTL passes; a request that has streamed a byte is never taken back; and nothing is
 * preempted unless a band asks for it.
 */
class PreemptionTest {

  private static String config(boolean preempt) {
    return GatewayFixture.concurrencyConfig(
        1,
        "  defaultTtl: 0s\n"
            + "  bands: [{priority: 10"
            + (preempt ? ", preempt: true" : "")
            + "}, {priority: -1}]\n");
  }

  @Test
  void aPremiumRequestTakesBackABatchRequestThatIsThenServedNormally() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, config(true))) {
      GatewayFixture.Call batch = f.call("batch", "t-batch", "batch", Map.of());
      Await.until("batch running on the backend", () -> f.admitted.get() == 1);
      GatewayFixture.Call premium = f.call("premium", "t-premium", "premium", Map.of());

      Await.until("batch cancelled upstream", () -> f.aborted.get() == 1);
      Await.until("premium running on the backend", () -> f.admitted.get() == 2);
      assertThat(f.stats().queuedRequests()).as("batch back in the queue").isEqualTo(1);
      assertThat(batch.headers).as("nothing of batch reached its client").isNotDone();
      f.finishRunning();
      assertThat(premium.awaitEnd().cause()).isNull();
      assertThat(f.nextDispatched()).isEqualTo("premium");

      Await.until("batch running again", () -> f.admitted.get() == 3);
      f.finishRunning();
      GatewayFixture.Result result = batch.awaitEnd();
      assertThat(result.cause()).isNull();
      assertThat(batch.awaitHeaders().status().code()).isEqualTo(200);
      assertThat(batch.events).last().isEqualTo("[DONE]");
      assertThat(f.nextDispatched()).isEqualTo("batch");
      f.awaitIdle();

      assertThat(f.gateway.metrics().scrape())
          .contains("sluice_preemptions_total{band=\"10\"} 1.0");
      assertThat(f.adminGet("/admin/flows").contentUtf8()).contains("\"preemptions\" : 1");
    }
  }

  @Test
  void aRequestThatHasStreamedAByteIsNeverTakenBack() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, config(true))) {
      GatewayFixture.Call batch = f.call("batch", "t-batch", "batch", Map.of());
      Await.until("batch running on the backend", () -> f.admitted.get() == 1);
      f.simClock.advance(Duration.ofMillis(25)); // its prefill and first token, not its second
      Await.until("batch's first token at its client", () -> !batch.events.isEmpty());

      GatewayFixture.Call premium = f.call("premium", "t-premium", "premium", Map.of());
      f.awaitQueued(1);
      assertThat(f.aborted.get()).isZero();
      f.finishRunning();
      assertThat(batch.awaitEnd().cause()).isNull();
      Await.until("premium running on the backend", () -> f.admitted.get() == 2);
      f.finishRunning();
      assertThat(premium.awaitEnd().cause()).isNull();
      assertThat(f.aborted.get()).isZero();
      assertThat(f.gateway.metrics().scrape())
          .contains("sluice_preemptions_total{band=\"10\"} 0.0");
    }
  }

  @Test
  void aRequeuedRequestWhoseTtlPassesInTheQueueGets503() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, config(true))) {
      GatewayFixture.Call batch =
          f.call("batch", "t-batch", "batch", Map.of("x-sluice-ttl-ms", "1000"));
      Await.until("batch running on the backend", () -> f.admitted.get() == 1);
      GatewayFixture.Call premium = f.call("premium", "t-premium", "premium", Map.of());
      Await.until("premium running on the backend", () -> f.admitted.get() == 2);
      f.awaitTimerWithin(Duration.ofSeconds(1));

      f.clock.advance(Duration.ofSeconds(1));

      assertThat(batch.awaitHeaders().status().code()).isEqualTo(503);
      assertThat(batch.awaitEnd().body()).contains("queue");
      f.finishRunning();
      assertThat(premium.awaitEnd().cause()).isNull();
      f.awaitIdle();
    }
  }

  @Test
  void withoutPreemptAPremiumRequestWaitsForTheSlot() throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, 1, config(false))) {
      GatewayFixture.Call batch = f.call("batch", "t-batch", "batch", Map.of());
      Await.until("batch running on the backend", () -> f.admitted.get() == 1);
      GatewayFixture.Call premium = f.call("premium", "t-premium", "premium", Map.of());
      f.awaitQueued(1);
      assertThat(f.nextDispatched()).as("headers pass straight through").isEqualTo("batch");

      f.finishRunning();
      assertThat(batch.awaitEnd().cause()).isNull();
      Await.until("premium running on the backend", () -> f.admitted.get() == 2);
      f.finishRunning();
      assertThat(premium.awaitEnd().cause()).isNull();
      assertThat(f.aborted.get()).isZero();
      assertThat(f.gateway.metrics().scrape()).doesNotContain("sluice_preemptions_total");
    }
  }
}
