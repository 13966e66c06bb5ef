package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The README's Java example, compiled and run here. The test fails if the README's copy differs
 * from the lines between the markers, so the example cannot rot.
 */
class ReadmeExampleTest {

  @Test
  void readmeExampleRuns() throws Exception {
    // README-EXAMPLE-BEGIN
    FlowController controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .saturationDetector(
                    ConcurrencyDetector.ofRequests(8)) // at most 8 requests in flight
                .bands(
                    BandConfig.of(10), // premium
                    BandConfig.builder(0) // standard: fair by tokens
                        .fairness(FairnessPolicy.weightedFair())
                        .maxRequests(1_000)
                        .build())
                .defaultTtl(Duration.ofSeconds(30))
                .build());

    FlowRequest request =
        FlowRequest.builder(FlowKey.of("tenant-a", 0))
            .cost(512) // e.g. estimated tokens
            .byteSize(2_048)
            .build();

    // Blocking: waits its turn, then runs; closing the admission frees the slot.
    try (Admission admission = controller.acquire(request)) {
      System.out.println("running after " + admission.queueWaitNanos() + " ns in the queue");
    } catch (FlowControlException e) {
      System.out.println("not admitted: " + e.outcome().reason());
    }

    // Non-blocking: the future completes when the request is dispatched.
    CompletableFuture<Admission> future =
        controller.submit(FlowRequest.of(FlowKey.of("tenant-b", 10)));
    future.thenAccept(
        admission -> {
          try (admission) {
            System.out.println("premium request dispatched");
          }
        });

    System.out.println(controller.stats().count(Outcome.DISPATCHED) + " dispatched");
    controller.close();
    // README-EXAMPLE-END

    assertThat(controller.stats().count(Outcome.DISPATCHED)).isEqualTo(2);
    assertThat(controller.stats().inFlightRequests()).isZero();
  }

  @Test
  void readmeShowsTheSameExample() throws IOException {
    String test = Files.readString(Path.of("src/test/java/dev/sluice/flow/ReadmeExampleTest.java"));
    String example =
        test.substring(
            test.indexOf('\n', test.indexOf("// README-EXAMPLE-BEGIN")) + 1,
            test.lastIndexOf('\n', test.indexOf("// README-EXAMPLE-END")) + 1);
    String dedented =
        example
            .lines()
            .map(line -> line.length() >= 4 ? line.substring(4) : line.strip())
            .reduce("", (a, b) -> a + b + "\n");
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme)
        .as("README.md must contain the example exactly as tested")
        .contains(dedented);
  }
}
