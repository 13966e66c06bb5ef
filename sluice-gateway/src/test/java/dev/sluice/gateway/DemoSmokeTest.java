package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo end to end, shortened: both runs complete, the table fits 120 columns, and premium gets
 * its first token sooner through Sluice than through the plain proxy.
 */
class DemoSmokeTest {

  @Test
  void printsOneTableOfBothRunsIn120Columns() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    Demo.Result result =
        Demo.run(
            Duration.ofSeconds(3),
            Duration.ofMillis(300),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("goodput/s", "Sluice", "proxy", "TTFT objective 300 ms");
    assertThat(text).containsPattern("Dashboard: http://127\\.0\\.0\\.1:\\d+/ ");
    assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
    for (String tenant : new String[] {"premium", "standard-a", "standard-b", "batch"}) {
      assertThat(text).contains(tenant);
    }
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("[1/2]", "[2/2]");
    // What the demo is for: premium's first token comes sooner through Sluice than through the
    // plain proxy, where it waits in the servers' FIFO queues behind 24 other streams.
    double gated = result.gateway().get("premium").total().ttftMs().p50();
    double plain = result.proxy().get("premium").total().ttftMs().p50();
    assertThat(gated).as("premium TTFT p50, Sluice vs proxy (ms)").isLessThan(plain);
  }
}
