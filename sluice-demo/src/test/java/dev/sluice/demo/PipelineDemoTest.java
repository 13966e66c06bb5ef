package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.GraphicsEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline demo, short: what it shows must hold on any machine, however slow. */
class PipelineDemoTest {

  /**
   * A consumer that never acks while the test runs, and a high watermark of two results, so that
   * what is asserted follows from the logic, not from how fast this machine is: with backpressure
   * producers pause once two results are held (the reservations of the 12 prompts in flight are
   * above the high watermark already) and never resume, with at most those prompts still to commit;
   * without it, the run goes on until 30 completions are held (every prompt's size is fixed by its
   * id, so 30 results outweigh any 14 of the same prompts).
   */
  @Test
  void backpressureHoldsResidentBytesBelowTheCapAndPauses(@TempDir Path dir) throws Exception {
    assumeTrue(
        fontsAvailable(),
        "the chart needs fontconfig and a font: apt-get install fontconfig fonts-dejavu-core");
    DemoSetup d = DemoSetup.defaults(Duration.ofSeconds(5));
    long bytesPerToken = 2 * d.bytesPerToken();
    DemoSetup with =
        new DemoSetup(
            d.phase(),
            0,
            d.workers(),
            d.slotsPerWorker(),
            d.minTokens(),
            d.maxTokens(),
            bytesPerToken,
            2,
            2,
            Duration.ofHours(1), // never acks during the test
            2 * DemoSetup.MIB,
            0, // resume only when nothing is held: never, without acks
            40 * DemoSetup.MIB,
            d.maxTokens() * bytesPerToken,
            d.timeScale());
    DemoSetup without =
        new DemoSetup(
            Duration.ofSeconds(120), // a bound; the run ends at 30 completions
            30,
            with.workers(),
            with.slotsPerWorker(),
            with.minTokens(),
            with.maxTokens(),
            with.bytesPerToken(),
            with.batch(),
            with.leaseCap(),
            with.step(),
            with.highBytes(),
            with.lowBytes(),
            with.capBytes(),
            with.reservePerItem(),
            with.timeScale());
    Path chart = dir.resolve("img").resolve("demo.png");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<RunReport> runs =
        PipelineDemo.run(with, without, chart, new PrintStream(text, true, StandardCharsets.UTF_8));

    RunReport bp = runs.get(0);
    RunReport free = runs.get(1);
    assertThat(bp.status().backpressure().pauses()).isPositive();
    assertThat(bp.status().peakResidentBytes()).isLessThanOrEqualTo(with.capBytes());
    assertThat(bp.status().committed())
        .isLessThanOrEqualTo(with.batch() + (long) with.workers() * with.slotsPerWorker());
    assertThat(bp.wasted()).isZero();
    assertThat(free.status().backpressure().pauses()).isZero();
    assertThat(free.generated()).isGreaterThanOrEqualTo(30);
    assertThat(free.status().peakResidentBytes())
        .isGreaterThan(bp.status().peakResidentBytes())
        .isGreaterThan(with.highBytes());

    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("peak resident MiB", "wasted (refused) generations", chart.toString());
    assertThat(Files.size(chart)).isPositive();
    assertThat(ImageIO.read(chart.toFile()).getWidth()).isEqualTo(960);
  }

  private static boolean fontsAvailable() {
    System.setProperty("java.awt.headless", "true");
    try {
      return GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length
          > 0;
    } catch (RuntimeException | Error e) {
      return false; // without fontconfig the JDK throws "no fonts found" (an Error)
    }
  }
}
