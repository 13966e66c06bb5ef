package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.conformance.FairnessPolicyConformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The README's examples, compiled and run here (the two classes above this one); the test fails if
 * the README's copy differs from the lines between the markers.
 */
class ReadmeExampleTest {

  @Test
  void readmeShowsTheSameExample() throws IOException {
    String test =
        Files.readString(Path.of("src/test/java/dev/sluice/testing/ReadmeExampleTest.java"));
    String example =
        test.substring(
            test.indexOf('\n', test.indexOf("// README-EXAMPLE-BEGIN")) + 1,
            test.lastIndexOf('\n', test.indexOf("// README-EXAMPLE-END")) + 1);
    assertThat(Files.readString(Path.of("README.md")))
        .as("README.md must contain the example exactly as tested")
        .contains(example);
  }
}

// README-EXAMPLE-BEGIN
class MyFairnessPolicyConformanceTest extends FairnessPolicyConformance {
  @Override
  protected FairnessPolicy policy() {
    return FairnessPolicy.weightedFair(); // your policy here
  }
}

class MyDeadlineTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void aQueuedRequestExpiresAtItsTtl() {
    FlowController controller =
        TrackedControllers.create( // checked by FlowControllerExtension after the test
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(1))
                .defaultTtl(Duration.ofSeconds(1))
                .ticker(clock)
                .scheduler(clock)
                .build());
    CompletableFuture<Admission> running = controller.submit(FlowRequest.of(FlowKey.of("a")));
    CompletableFuture<Admission> queued = controller.submit(FlowRequest.of(FlowKey.of("b")));

    clock.advance(Duration.ofMillis(999));
    assertThat(queued).isNotDone();
    clock.advance(Duration.ofMillis(1)); // the TTL timer runs here, on this thread
    assertThat(queued).isCompletedExceptionally();
    running.join().close();
  }
}
// README-EXAMPLE-END
