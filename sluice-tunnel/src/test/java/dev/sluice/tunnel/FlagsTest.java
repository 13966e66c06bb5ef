package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The tunnel commands' flags: each bad value is refused with a message naming the flag. */
class FlagsTest {

  private static String serverError(String... args) {
    return assertThatIllegalArgumentException()
        .isThrownBy(() -> TunnelServerMain.configure(args))
        .actual()
        .getMessage();
  }

  private static String agentError(String... args) {
    return assertThatIllegalArgumentException()
        .isThrownBy(() -> TunnelAgentMain.configure(args))
        .actual()
        .getMessage();
  }

  @Test
  void badServerFlags() {
    assertThat(serverError("--host", "no such host.invalid"))
        .isEqualTo(
            "--host: 'no such host.invalid' (expected: an IP address or a resolvable host name)");
    assertThat(serverError("--agent-port", "70000"))
        .isEqualTo("--agent-port: 70000 (expected: 0..65535)");
    assertThat(serverError("--admin-port", "-2"))
        .isEqualTo("--admin-port: -2 (expected: 0..65535, or -1 for none)");
    assertThat(serverError("--window", "-1")).isEqualTo("--window: -1 (expected: >= 0)");
    assertThat(serverError("--window", "lots")).isEqualTo("--window: lots (expected: a number)");
    assertThat(serverError("--max-connections", "0"))
        .isEqualTo("--max-connections: 0 (expected: 1..2147483647)");
    assertThat(serverError("--dial-timeout-ms", "0"))
        .isEqualTo("--dial-timeout-ms: 0 (expected: > 0)");
    assertThat(serverError("--port", "1")).isEqualTo("unknown flag: --port");
    assertThat(serverError("--host")).isEqualTo("--host: missing value");
    assertThat(serverError("--window", "1", "--window", "2")).isEqualTo("--window: given twice");
  }

  @Test
  void badAgentFlags() {
    assertThat(agentError("--server", "127.0.0.1"))
        .isEqualTo("--server: address: 127.0.0.1 (expected: host:port)");
    assertThat(agentError("--server", "127.0.0.1:0"))
        .isEqualTo("--server: address: 127.0.0.1:0 (expected: port in 1..65535)");
    assertThat(agentError("--server", "no-such-host.invalid:8091"))
        .isEqualTo(
            "--server: 'no-such-host.invalid:8091' (expected: an IP address or a resolvable host"
                + " name)");
    assertThat(agentError("--tunnel-window", "-5"))
        .isEqualTo("--tunnel-window: -5 (expected: >= 0)");
    assertThat(agentError("--agent-id", "")).isEqualTo("agentId: '' (expected: non-empty)");
    assertThat(agentError("--window", "1000", "--max-window", "999"))
        .isEqualTo("--max-window: 999 (expected: 0 or >= --window 1000)");
    assertThat(agentError("--drain-timeout-ms", "-5"))
        .isEqualTo("--drain-timeout-ms: -5 (expected: >= 0)");
  }

  @Test
  void goodFlagsBuild() {
    TunnelServer.Builder server =
        TunnelServerMain.configure(
            new String[] {"--agent-port", "0", "--connect-port", "0", "--admin-port", "-1"});
    try (Started started = Started.start(server)) {
      assertThat(started.server().adminPort()).isEqualTo(-1);
      assertThat(started.server().agentPort()).isPositive();
    }
    assertThat(
            TunnelAgentMain.configure(new String[] {"--server", "[::1]:8091", "--agent-id", "a"})
                .build()
                .agentId())
        .isEqualTo("a");
  }
}
