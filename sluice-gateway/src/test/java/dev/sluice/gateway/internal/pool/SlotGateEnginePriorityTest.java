package dev.sluice.gateway.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code slots} gate across priorities: with backends that schedule by priority, a slot a
 * lower-priority request holds is free to a higher-priority one, and to nobody else; with or
 * without, a slot held for a lower-priority flow that comes straight back is free to a higher one.
 * Driven directly: no scraping, each backend's slots set by the test.
 */
class SlotGateEnginePriorityTest {

  private static final int SLOTS = 4;
  private static final int PREMIUM = 10;
  private static final int BATCH = -1;

  private final ManualClock clock = new ManualClock();
  private final List<FlowRequest> dispatched = new ArrayList<>();

  /** A pool of {@code backends} backends of {@value #SLOTS} slots each, learned and fresh. */
  private EndpointPool pool(ClientFactory factory, boolean enginePriority, int backends) {
    return pool(factory, enginePriority, backends, "0s");
  }

  /** As {@link #pool(ClientFactory, boolean, int)}, holding slots for up to {@code slotHold}. */
  private EndpointPool pool(
      ClientFactory factory, boolean enginePriority, int backends, String slotHold) {
    StringBuilder yaml = new StringBuilder("saturation: {slotHold: " + slotHold + "}\nbackends:\n");
    for (int i = 1; i <= backends; i++) {
      yaml.append("  - {url: http://127.0.0.1:")
          .append(i)
          .append(", enginePriority: ")
          .append(enginePriority)
          .append("}\n");
    }
    EndpointPool pool =
        new EndpointPool(GatewayConfig.parse(yaml.toString()), clock, (Scheduler) clock, factory);
    for (Endpoint endpoint : pool.endpoints()) {
      // A server seen running SLOTS of this gateway's requests, one more waiting, is full at SLOTS.
      endpoint.slots.observe(SLOTS, 1, false, SLOTS + 1, false, clock.read());
      pool.metrics().update(new EndpointMetrics(endpoint.name(), 0, 0, clock.read()));
    }
    return pool;
  }

  private static FlowRequest request(int priority) {
    return FlowRequest.builder(FlowKey.of(priority == PREMIUM ? "premium" : "batch", priority))
        .payload(new Placement("m"))
        .build();
  }

  /** Offers a new request of {@code priority} to the gate, as the controller does on arrival. */
  private boolean offer(EndpointPool pool, int priority) {
    FlowRequest request = request(priority);
    pool.arrived(request);
    boolean granted = pool.gate().tryDispatch(request, 1.0);
    if (granted) {
      pool.listener().onOutcome(request, dev.sluice.flow.Outcome.DISPATCHED, 0);
      dispatched.add(request);
    }
    return granted;
  }

  private int fill(EndpointPool pool, int priority) {
    int granted = 0;
    while (granted <= 4 * SLOTS && offer(pool, priority)) {
      granted++;
    }
    return granted;
  }

  @Test
  void aHigherBandTakesTheSlotsALowerBandHoldsAndNoMore() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool(factory, true, 1);
      assertThat(fill(pool, BATCH)).as("batch, up to the slots").isEqualTo(SLOTS);
      assertThat(fill(pool, PREMIUM)).as("premium, over batch's slots").isEqualTo(SLOTS);
      assertThat(offer(pool, BATCH)).as("batch, still bounded by every request").isFalse();
      assertThat(pool.endpoints().get(0).inFlight()).isEqualTo(2 * SLOTS);

      // Everything ends: the counts by priority go back to nothing.
      dispatched.forEach(pool.gate()::onFinished);
      assertThat(pool.endpoints().get(0).inFlight()).isZero();
      assertThat(pool.endpoints().get(0).preemptibleBy(PREMIUM)).isZero();
      assertThat(fill(pool, PREMIUM)).isEqualTo(SLOTS);
      assertThat(offer(pool, BATCH)).as("premium's slots are not batch's").isFalse();
    }
  }

  @Test
  void withoutEnginePriorityAHigherBandWaitsForASlot() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool(factory, false, 1);
      assertThat(fill(pool, BATCH)).isEqualTo(SLOTS);
      assertThat(offer(pool, PREMIUM)).isFalse();
    }
  }

  @Test
  void saturationIsWhatTheMostImportantWaitingRequestSees() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool(factory, true, 1);
      SaturationDetector gate = pool.gate();
      fill(pool, BATCH);
      pool.arrived(request(BATCH)); // refused above: batch waits
      assertThat(gate.saturation()).as("batch waiting").isEqualTo(1.0);
      pool.arrived(request(PREMIUM));
      assertThat(gate.saturation()).as("premium waiting").isZero();
    }
  }

  /**
   * Fills every slot with batch requests of one flow, then ends one with nothing of batch queued:
   * its slot is held for batch's next request. Returns the endpoint of the held slot.
   */
  private Endpoint batchHoldsASlot(EndpointPool pool) {
    int slots = SLOTS * pool.endpoints().size();
    for (int i = 0; i < slots; i++) {
      assertThat(offer(pool, BATCH)).isTrue();
    }
    FlowRequest ended = dispatched.remove(dispatched.size() - 1);
    Endpoint freed = pool.placed(ended);
    pool.gate().onFinished(ended);
    assertThat(pool.gate().holdsFor(request(BATCH))).as("batch's slot held").isTrue();
    return freed;
  }

  @Test
  void aHigherBandTakesASlotHeldForALowerOne() {
    for (boolean enginePriority : List.of(false, true)) {
      try (ClientFactory factory = ClientFactory.builder().build()) {
        EndpointPool pool = pool(factory, enginePriority, 2, "1s");
        Endpoint held = batchHoldsASlot(pool);

        assertThat(offer(pool, PREMIUM))
            .as(
                "premium, with only a slot held for batch free (engine priority %s)",
                enginePriority)
            .isTrue();
        assertThat(pool.placed(dispatched.get(dispatched.size() - 1)))
            .as("on the held slot's backend, preempting nobody")
            .isSameAs(held);
        assertThat(pool.gate().holdsFor(request(BATCH))).as("the hold ended").isFalse();
        assertThat(offer(pool, BATCH)).as("batch's next request waits its turn").isFalse();
      }
      dispatched.clear();
    }
  }

  @Test
  void aHoldStillKeepsItsSlotFromItsOwnBand() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool(factory, false, 1, "1s");
      batchHoldsASlot(pool);
      FlowRequest other =
          FlowRequest.builder(FlowKey.of("other", BATCH)).payload(new Placement("m")).build();
      pool.arrived(other);
      assertThat(pool.gate().tryDispatch(other, 1.0)).as("another batch flow").isFalse();
    }
  }

  @Test
  void aHigherBandPrefersATrulyFreeSlotToAPreemption() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool(factory, true, 2);
      assertThat(fill(pool, BATCH)).isEqualTo(2 * SLOTS);
      Endpoint freed = pool.placed(dispatched.get(0));
      pool.gate().onFinished(dispatched.remove(0));

      assertThat(offer(pool, PREMIUM)).isTrue();
      assertThat(pool.placed(dispatched.get(dispatched.size() - 1))).isSameAs(freed);
      assertThat(offer(pool, PREMIUM)).isTrue();
      assertThat(pool.placed(dispatched.get(dispatched.size() - 1)))
          .as("no free slot left: the backend with the most preemptible work")
          .isNotSameAs(freed);
    }
  }
}
