package dev.sluice.demo;

import dev.sluice.sim.load.GroupStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The gateway demo, shortened: what it shows holds, and it prints one table of both runs. */
class GatewayDemoTest {

  private static final Duration PHASE = Duration.ofSeconds(Long.getLong("phase", 3));

  @Test
  void premiumGetsItsFirstTokenSoonerAndMoreGoodputThroughSluiceThanThroughTheProxy() {
    for (int i = 0; i < Integer.getInteger("repeat", 1); i++) {
      once();
    }
  }

  void once() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    GatewayDemo.Result result =
        GatewayDemo.run(
            PHASE,
            Duration.ofMillis(300),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

    GroupStats gated = Objects.requireNonNull(result.gateway().get("premium")).total();
    GroupStats plain = Objects.requireNonNull(result.proxy().get("premium")).total();
    System.out.printf(
        Locale.ROOT,
        "MEASURE p50 %s %s p90 %s %s goodput %.2f %.2f done %d %d%n",
        gated.ttftMs().p50(),
        plain.ttftMs().p50(),
        gated.ttftMs().p90(),
        plain.ttftMs().p90(),
        gated.goodputPerSecond(),
        plain.goodputPerSecond(),
        gated.succeeded(),
        plain.succeeded());
    System.out.print(out.toString(StandardCharsets.UTF_8));
  }
}
