package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link YamlSection}: one read reports every problem, each by its path, and uses the defaults. */
class YamlSectionTest {

  private final List<String> errors = new ArrayList<>();

  private YamlSection top(String json) throws Exception {
    return new YamlSection("", new ObjectMapper().readTree(json), errors);
  }

  @Test
  void readsTypedValuesWithDefaults() throws Exception {
    YamlSection server =
        top("{\"server\": {\"port\": 9000, \"maxWait\": \"2s\", \"body\": \"64KiB\"}}")
            .keys("server")
            .section("server")
            .keys("port", "maxWait", "body", "host");

    assertThat(server.integer("port", 8080, 0, 65535)).isEqualTo(9000);
    assertThat(server.duration("maxWait", Duration.ofSeconds(30), false))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(server.bytes("body", 0)).isEqualTo(64 << 10);
    assertThat(server.string("host", "127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(server.has("host")).isFalse();
    assertThat(errors).isEmpty();
  }

  @Test
  void collectsEveryErrorWithItsPathAndKeepsTheDefaults() throws Exception {
    YamlSection top =
        top(
            "{\"server\": {\"port\": 70000, \"maxWait\": \"0s\", \"colour\": 1,"
                + " \"body\": \"2MB\", \"tls\": \"yes\"}, \"leases\": 3}");
    top.keys("server", "leases");
    YamlSection server = top.section("server").keys("port", "maxWait", "body", "tls");

    assertThat(server.integer("port", 8080, 0, 65535)).isEqualTo(8080);
    assertThat(server.duration("maxWait", Duration.ofSeconds(30), false))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(server.bytes("body", 1024)).isEqualTo(1024);
    assertThat(server.bool("tls", false)).isFalse();
    assertThat(top.section("leases").node().isMissingNode()).isTrue();
    assertThat(errors)
        .containsExactly(
            "server.colour: unknown key (expected one of: port, maxWait, body, tls)",
            "server.port: 70000 (expected 0 to 65535)",
            "server.maxWait: '0s' (expected a duration > 0 such as 50ms, 2s, 1m)",
            "server.body: '2MB' (expected a size >= 0: bytes, or 512B, 16KiB, 64MiB, 2GiB, 1TiB)",
            "server.tls: 'yes' (expected true or false)",
            "leases: 3 (expected a mapping)");
  }
}
