package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TrackedControllers;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A detector that holds capacity for one request gets that request on arrival, ahead of the queue.
 */
class HeldCapacityTest {

  /** Two slots; while {@code heldFor} is set, one is kept for the request with that id. */
  private static final class HoldingDetector implements SaturationDetector {
    int inFlight;
    String heldFor;

    @Override
    public synchronized double saturation() {
      return inFlight / 2.0;
    }

    @Override
    public synchronized boolean holdsFor(FlowRequest request) {
      return request.id().equals(heldFor);
    }

    @Override
    public synchronized boolean tryDispatch(FlowRequest request, double ceiling) {
      boolean own = request.id().equals(heldFor);
      if (inFlight + (heldFor != null && !own ? 1 : 0) >= 2) {
        return false;
      }
      if (own) {
        heldFor = null;
      }
      inFlight++;
      return true;
    }

    @Override
    public synchronized void onFinished(FlowRequest request) {
      inFlight--;
    }
  }

  @Test
  void aRequestWithCapacityHeldForItIsDispatchedOnArrivalAheadOfTheQueue() {
    HoldingDetector detector = new HoldingDetector();
    ManualClock clock = new ManualClock();
    try (FlowController controller =
        TrackedControllers.create(
            FlowControllerConfig.builder()
                .ticker(clock)
                .scheduler(clock)
                .saturationDetector(detector)
                .build())) {
      CompletableFuture<Admission> running = controller.submit(Harness.named("a", "a", 0));
      detector.heldFor = "h";
      CompletableFuture<Admission> queued = controller.submit(Harness.named("b", "b", 0));
      assertThat(running).isCompleted();
      assertThat(queued).isNotDone();

      CompletableFuture<Admission> held = controller.submit(Harness.named("h", "h", 0));

      assertThat(held).as("the held request, on arrival").isCompleted();
      assertThat(queued).as("still waiting: the held slot was not its").isNotDone();
      running.join().close();
      assertThat(queued).isCompleted();
    }
  }
}
