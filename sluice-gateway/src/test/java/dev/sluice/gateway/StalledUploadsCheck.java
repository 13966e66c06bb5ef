package dev.sluice.gateway;

import static dev.sluice.gateway.GatewayFixture.concurrencyConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.GatewayFixture.Call;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The out-of-memory scenario of issue 10 in a small heap. 24 connections each declare a large body
 * (15 MiB by hand, 8 MiB in {@code verify}, where the gateway pom runs it in its own JVM with a 128
 * MiB heap), send all of it but the last byte, and stall. With the default budget (a quarter of the
 * heap) a few are held and the rest get 503; the held ones get 408 after the body timeout; the
 * gateway then serves a normal request. With {@code -Dsluice.oomCheck.budget=1073741824} (no
 * effective budget) the same load exhausts the heap.
 *
 * <pre>
 * ./mvnw -q -B -ntp -pl sluice-gateway -am verify -Dtest=StalledUploadsCheck \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.oomCheck=true -DargLine=-Xmx256m
 * </pre>
 *
 * Confined to the test thread, apart from one writer thread per connection.
 */
@EnabledIfSystemProperty(named = "sluice.oomCheck", matches = "true")
class StalledUploadsCheck {

  private static final int CONNECTIONS = 24;
  private static final int DECLARED =
      Integer.getInteger("sluice.oomCheck.declaredMiB", 15) * 1024 * 1024;
  private static final Duration BODY_TIMEOUT =
      Duration.ofMillis(Long.getLong("sluice.oomCheck.bodyTimeoutMillis", 5_000));

  @Test
  void stalledUploadsDoNotExhaustTheHeap() throws Exception {
    String budget = System.getProperty("sluice.oomCheck.budget");
    String server =
        "server: {port: 0, requestBodyTimeout: "
            + BODY_TIMEOUT.toMillis()
            + "ms"
            + (budget == null ? "" : ", maxBufferedRequestBytes: " + budget)
            + ",";
    System.out.printf(
        "max heap %d MiB, budget %s%n",
        Runtime.getRuntime().maxMemory() >> 20,
        budget == null ? "default (a quarter of the heap)" : budget);
    try (GatewayFixture f =
        new GatewayFixture(
            1,
            4,
            concurrencyConfig(10, "  defaultTtl: 0s\n").replace("server: {port: 0,", server))) {
      ExecutorService writers = Executors.newFixedThreadPool(CONNECTIONS);
      List<Future<String>> ends = new ArrayList<>();
      try {
        for (int i = 0; i < CONNECTIONS; i++) {
          ends.add(writers.submit(() -> stalledUpload(f.gateway.port())));
        }
        Map<String, Integer> tally = new TreeMap<>();
        for (Future<String> end : ends) {
          tally.merge(end.get(2, TimeUnit.MINUTES), 1, Integer::sum);
        }
        System.out.println("connections ended: " + tally);
        assertThat(tally.keySet())
            .allMatch(
                end -> end.startsWith("408") || end.startsWith("503") || end.startsWith("closed"));
      } finally {
        writers.shutdownNow();
      }
      Await.until("every byte given back", () -> f.gateway.bodyGuard().bufferedBytes() == 0);
      Call after = f.call("after", "tenant");
      assertThat(after.awaitHeaders().status().code()).isEqualTo(200);
      f.finishRunning();
      assertThat(after.awaitEnd().cause()).isNull();
      System.out.println("the gateway served a request afterwards");
    }
  }

  /** Sends all but the last byte of a 15 MiB body and stalls; how the connection ended. */
  private static String stalledUpload(int port) throws IOException {
    try (RawHttp http = new RawHttp(port, Duration.ofMinutes(1))) {
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        http.send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + DECLARED
                + "\r\n\r\n");
        for (int sent = 0; sent < DECLARED - 1; sent += chunk.length) {
          http.send(
              sent + chunk.length < DECLARED
                  ? chunk
                  : java.util.Arrays.copyOf(chunk, DECLARED - 1 - sent));
        }
      } catch (IOException e) {
        // Refused mid-body: the gateway answered and closed; read the answer if it is there.
      }
      try {
        String head = http.readHead();
        return head.substring(9, head.indexOf("\r\n"));
      } catch (IOException e) {
        return "closed (" + e.getClass().getSimpleName() + ")";
      }
    }
  }
}
