package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineMainTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) throws Exception {
    return PipelineMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void checkValidatesTheExample() throws Exception {
    assertThat(run("--check", "examples/pipeline.yaml")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK");
  }

  @Test
  void badConfigAndBadArgumentsExitTwo(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "leases:\n  maxAttempts: 0\n");
    assertThat(run("--config", bad.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("leases.maxAttempts: 0");
    assertThat(run("--nope")).isEqualTo(2);
    assertThat(run("--help")).isZero();
  }

  @Test
  void anUnopenableStoreExitsTwoNamingTheFile(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("p.yaml");
    Path db = dir.resolve("missing-dir").resolve("p.db");
    Files.writeString(config, "store:\n  path: " + db + "\n");
    assertThat(run("--config", config.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("store " + db + ": cannot open");
  }
}
