package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptance check, as a user runs it: {@code curl --proxytunnel --proxy} fetches a
 * page from a local web server through the CONNECT frontend and an agent. Skipped, naming the
 * Debian package {@code curl}, where curl is not installed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CurlThroughTunnelTest {

  private static final String PAGE = "<html><body>through the tunnel</body></html>\n";

  @Test
  void curlFetchesAPageThroughTheConnectFrontend() throws Exception {
    String curl = onPath("curl");
    Assumptions.assumeTrue(curl != null, "curl not installed (Debian package: curl)");
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    web.start();
    TunnelServer server = TunnelServer.builder().build().start();
    TunnelAgent agent = TunnelAgent.builder("127.0.0.1", server.agentPort()).build().start();
    try {
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      Process process =
          new ProcessBuilder(
                  List.of(
                      curl,
                      "--silent",
                      "--show-error",
                      "--max-time",
                      "20",
                      "--noproxy",
                      "",
                      "--proxytunnel",
                      "--proxy",
                      "http://127.0.0.1:" + server.connectPort(),
                      "http://127.0.0.1:" + web.getAddress().getPort() + "/"))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).isEqualTo(PAGE);
      assertThat(server.scrape())
          .as("the page came through one dial")
          .contains("konnectivity_network_proxy_server_dial_duration_seconds_count 1\n");
    } finally {
      agent.close();
      server.closeAsync();
      web.stop(0);
    }
  }

  private static @Nullable String onPath(String name) throws IOException {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File file = new File(dir, name);
      if (file.canExecute()) {
        return file.getCanonicalPath();
      }
    }
    return null;
  }
}
