package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.internal.tenant.KeysFile;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} Node SDK, unchanged, against the gateway with tenants and a simulated
 * backend on 127.0.0.1: streaming with a tenant's key, {@code AuthenticationError} (401) for a bad
 * key, and {@code RateLimitError} (429 with {@code Retry-After}) for a tenant over its limit. The
 * SDK runs from {@code src/test/node} ({@code sdk-check.mjs}, the pinned version in its {@code
 * package-lock.json}). Skipped unless {@code node} is installed and {@code npm ci} has filled
 * {@code node_modules} there; {@code .ci/run} does both.
 */
class OpenAiSdkTest {

  private static final Path NODE_DIR = Path.of("src", "test", "node");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theOfficialSdkStreamsGets401ForABadKeyAnd429OverTheTenantsLimit() throws Exception {
    int major = nodeMajorVersion();
    assumeTrue(major > 0, "needs `node` (Debian packages nodejs and npm) on the PATH: skipped");
    assumeTrue(major >= 20, "needs `node` 20 or later (the openai SDK's minimum), found " + major);
    assumeTrue(
        Files.isDirectory(NODE_DIR.resolve("node_modules/openai")),
        "needs the openai npm package: run `npm ci` in sluice-gateway/src/test/node"
            + " (node_modules is missing): skipped");
    List<SimulatorServer> backends = ClosedLoop.startBackends(1, 10);
    String yaml =
        """
        server: {port: 0, gracefulShutdown: 0s}
        admin: {port: -1}
        tenants:
          list:
            - {id: sdk, keySha256: %s}
            - {id: limited, keySha256: %s, maxConcurrentRequests: 1}
        """
            .formatted(KeysFile.sha256Hex("sk-sdk"), KeysFile.sha256Hex("sk-limited"));
    GatewayConfig config =
        GatewayConfig.parse(yaml)
            .withBackends(
                ClosedLoop.urls(backends).stream()
                    .map(uri -> new Backend(uri, "/metrics"))
                    .toList());
    Gateway gateway = Gateway.builder(config).build().start();
    try {
      ProcessBuilder node =
          new ProcessBuilder("node", "sdk-check.mjs")
              .directory(NODE_DIR.toFile())
              .redirectErrorStream(true);
      node.environment().put("SLUICE_BASE_URL", "http://127.0.0.1:" + gateway.port() + "/v1");
      node.environment().put("SLUICE_KEY", "sk-sdk");
      node.environment().put("SLUICE_LIMITED_KEY", "sk-limited");
      node.environment().put("SLUICE_MODEL", GatewayFixture.MODEL);
      Process process = node.start();
      String output;
      try {
        output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node exits").isTrue();
      } finally {
        process.destroyForcibly();
      }

      assertThat(process.exitValue()).as("node's output: %s", output).isZero();
      JsonNode result = JSON.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
      assertThat(result.path("streaming").path("chunks").asInt())
          .as("chunks streamed; %s", output)
          .isGreaterThan(1);
      JsonNode badKey = result.path("badKey");
      assertThat(badKey.path("authentication").asBoolean()).as("%s", badKey).isTrue();
      assertThat(badKey.path("status").asInt()).isEqualTo(401);
      assertThat(badKey.path("code").asText()).isEqualTo("invalid_api_key");
      JsonNode overLimit = result.path("overLimit");
      assertThat(overLimit.path("heldFirstChunk").asBoolean()).as("%s", overLimit).isTrue();
      assertThat(overLimit.path("rateLimit").asBoolean()).as("%s", overLimit).isTrue();
      assertThat(overLimit.path("status").asInt()).isEqualTo(429);
      assertThat(overLimit.path("retryAfter").asText()).isEqualTo("1");
    } finally {
      GatewayFixture.stopWithoutWaiting(gateway, backends);
    }
  }

  /** The major version of {@code node} on the PATH, or -1 if there is none. */
  private static int nodeMajorVersion() {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
        return -1;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("v(\\d+)\\.").matcher(text);
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
