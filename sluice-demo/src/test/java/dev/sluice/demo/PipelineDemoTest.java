package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void backpressureHoldsResidentBytesBelowTheCapAndPauses(@TempDir Path dir) throws Exception {
    DemoSetup setup = DemoSetup.defaults(Duration.ofSeconds(5));
    Path chart = dir.resolve("img").resolve("demo.png");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<RunReport> runs =
        PipelineDemo.run(setup, chart, new PrintStream(text, true, StandardCharsets.UTF_8));

    RunReport with = runs.get(0);
    RunReport without = runs.get(1);
    assertThat(with.generated()).isPositive();
    assertThat(with.status().peakResidentBytes()).isLessThanOrEqualTo(setup.capBytes());
    // Reserving the largest result per leased prompt: the watermark bounds what is held.
    assertThat(with.status().peakBytes())
        .isLessThanOrEqualTo(setup.highBytes() + setup.reservePerItem());
    assertThat(with.status().backpressure().pauses()).isPositive();
    assertThat(with.wasted()).isZero();
    assertThat(without.status().backpressure().pauses()).isZero();
    assertThat(without.status().peakResidentBytes())
        .isGreaterThan(with.status().peakResidentBytes());

    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("peak resident MiB", "wasted (refused) generations", chart.toString());
    assertThat(Files.size(chart)).isPositive();
    assertThat(ImageIO.read(chart.toFile()).getWidth()).isEqualTo(960);
  }
}
