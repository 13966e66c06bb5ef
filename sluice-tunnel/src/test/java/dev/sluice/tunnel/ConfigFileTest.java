package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE}: the flags as YAML, checked like flags, errors naming the file and key. */
class ConfigFileTest {

  private static final Set<String> KNOWN = Set.of("config", "window", "max-window", "server");

  @TempDir Path dir;

  private String file(String yaml) throws IOException {
    Path path = dir.resolve("tunnel.yaml");
    Files.writeString(path, yaml);
    return path.toString();
  }

  private static String error(String... args) {
    return assertThatIllegalArgumentException()
        .isThrownBy(() -> new Flags(args, KNOWN).maxWindow())
        .actual()
        .getMessage();
  }

  @Test
  void theFileSetsFlagsAndTheCommandLineWins() throws IOException {
    String config = file("window: 1000\nmax-window: 8000\nserver: 127.0.0.1:9\n");
    Flags fromFile = new Flags(new String[] {"--config", config}, KNOWN);
    assertThat(fromFile.bytes("window", 0)).isEqualTo(1000);
    assertThat(fromFile.maxWindow()).isEqualTo(8000);
    assertThat(fromFile.hostPort("server", "x").getPort()).isEqualTo(9);
    Flags overridden = new Flags(new String[] {"--config", config, "--window", "2000"}, KNOWN);
    assertThat(overridden.bytes("window", 0)).isEqualTo(2000);
    assertThat(new Flags(new String[] {"--config", file("")}, KNOWN).bytes("window", 7))
        .isEqualTo(7);
  }

  @Test
  void badValuesAreNamedByFileAndKey() throws IOException {
    String config = file("window: -5\n");
    assertThat(error("--config", config)).isEqualTo(config + ": window: -5 (expected: >= 0)");
    String mixed = file("max-window: 999\n");
    assertThat(error("--config", mixed, "--window", "1000"))
        .isEqualTo(mixed + ": max-window: 999 (expected: 0 or >= --window 1000)");
    assertThat(error("--config", file("window: lots\n")))
        .endsWith("tunnel.yaml: window: lots (expected: a number)");
  }

  @Test
  void theFileItselfIsChecked() throws IOException {
    assertThat(error("--config", file("windw: 5\n")))
        .endsWith(
            "tunnel.yaml: windw: unknown key (expected one of: [max-window, server, window])");
    assertThat(error("--config", file("config: other.yaml\n"))).contains("config: unknown key");
    assertThat(error("--config", file("window:\n  size: 5\n")))
        .endsWith("tunnel.yaml: window: a mapping (expected: a number or a string)");
    assertThat(error("--config", file("- window\n")))
        .endsWith("tunnel.yaml: a list (expected: a mapping of flag names to values)");
    assertThat(error("--config", file("window: 1\nwindow: 2\n")))
        .contains("tunnel.yaml: ")
        .contains("Duplicate field 'window'");
    assertThat(error("--config", file("window: [1\n")))
        .contains("tunnel.yaml: ")
        .contains("(line ");
    assertThat(error("--config", dir.resolve("missing.yaml").toString()))
        .startsWith(
            "--config: '" + dir.resolve("missing.yaml") + "' (expected: a readable YAML file");
  }

  @Test
  void bothCommandsTakeAConfigFile() throws IOException {
    String config = file("window: 4096\nmax-window: 1\n");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TunnelServerMain.configure(new String[] {"--config", config}))
        .withMessage(config + ": max-window: 1 (expected: 0 or >= " + config + ": window 4096)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TunnelAgentMain.configure(new String[] {"--config", config}))
        .withMessageStartingWith(config + ": max-window: 1");
  }
}
