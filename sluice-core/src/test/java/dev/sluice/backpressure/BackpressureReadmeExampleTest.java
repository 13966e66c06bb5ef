package dev.sluice.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The backpressure example in sluice-core's README, compiled and run here. The test fails if the
 * README's copy differs from the lines between the markers, so the example cannot rot.
 */
class BackpressureReadmeExampleTest {

  @Test
  void readmeExampleRuns() {
    // README-EXAMPLE-BEGIN
    AtomicLong residentBytes = new AtomicLong(); // the store's own counters
    AtomicLong residentItems = new AtomicLong();
    BackpressureController backpressure =
        BackpressureController.create(
            BackpressureConfig.builder()
                .watermark("residentBytes", 32 << 20, 64 << 20) // pause at 64 MiB, resume at 32 MiB
                .consumerQuantum("residentItems", 4) // the trainer acks whole batches of 4
                .maxInFlightPerProducer(4)
                .maxLeasePerCall(2)
                .reporter(
                    signal ->
                        signal.equals("residentBytes") ? residentBytes.get() : residentItems.get())
                .listener(
                    new BackpressureListener() {
                      @Override
                      public void onPaused(String signal, long level) {
                        System.out.println("paused: " + signal + " at " + level);
                      }
                    })
                .build());

    // Producer: ask for work; while paused, wait to be woken instead of polling.
    Grant grant;
    while ((grant = backpressure.grant("rollout-0", 8)).paused()) {
      backpressure.awaitResume().orTimeout(60, TimeUnit.SECONDS).join();
    }
    for (int i = 0; i < grant.granted(); i++) { // 4 of 8: the in-flight cap
      residentBytes.addAndGet(20 << 20); // put one 20 MiB sample in the store
      residentItems.incrementAndGet();
    }
    backpressure.release("rollout-0", grant.granted());
    backpressure.refresh(); // the store changed: the latch reads it

    // Consumer: lease at most maxLeasePerCall items and report what came back.
    int lease = backpressure.leaseLimit(4); // 2
    backpressure.recordLease("trainer-0", lease);

    System.out.println(backpressure.stats());
    backpressure.close();
    // README-EXAMPLE-END

    assertThat(grant.granted()).isEqualTo(4);
    assertThat(backpressure.isPaused()).isTrue();
    assertThat(lease).isEqualTo(2);
    assertThat(backpressure.stats().pauses()).isEqualTo(1);
  }

  @Test
  void readmeShowsTheSameExample() throws IOException {
    String test =
        Files.readString(
            Path.of("src/test/java/dev/sluice/backpressure/BackpressureReadmeExampleTest.java"));
    String example =
        test.substring(
            test.indexOf('\n', test.indexOf("// README-EXAMPLE-BEGIN")) + 1,
            test.lastIndexOf('\n', test.indexOf("// README-EXAMPLE-END")) + 1);
    String dedented =
        example
            .lines()
            .map(line -> line.length() >= 4 ? line.substring(4) : line.strip())
            .reduce("", (a, b) -> a + b + "\n");
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme)
        .as("sluice-core/README.md must contain the example exactly as tested")
        .contains(dedented);
  }
}
