package dev.sluice.gateway.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowStats;
import dev.sluice.flow.Outcome;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardSnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualClock clock = new ManualClock();
  private final ClientFactory clients = ClientFactory.builder().build();
  private final EndpointPool pool =
      new EndpointPool(
          GatewayConfig.parse("backends: [http://127.0.0.1:9]"), clock, clock, clients);
  private final WaitHistograms waits = new WaitHistograms();

  @AfterEach
  void close() {
    pool.close();
    clients.close();
  }

  @Test
  void aHundredThousandTenantsCostNoMoreThanTheTopN() throws Exception {
    DashboardSnapshot snapshot = new DashboardSnapshot(pool, waits, clock, 20);
    DashboardSnapshot few = new DashboardSnapshot(pool, waits, clock, 20);
    // Tenant i has dispatched i requests so far, then 2 * i one second later: rate ~ i / 2 per s.
    snapshot.render(stats(100_000, 1));
    few.render(stats(100, 1));
    clock.advance(Duration.ofSeconds(1));
    String small = few.render(stats(100, 2));
    String large = snapshot.render(stats(100_000, 2));

    JsonNode rows = table(JSON.readTree(large), "tenants").get("rows");
    assertThat(rows).hasSize(21);
    assertThat(rows.get(0).get("id").asText()).isEqualTo("t99999/0");
    assertThat(rows.get(19).get("id").asText()).isEqualTo("t99980/0");
    JsonNode others = rows.get(20);
    assertThat(others.get("others").asBoolean()).isTrue();
    assertThat(value(others, "tenant")).isEqualTo(100_000 - 20);
    long all = 2L * 99_999 * 100_000 / 2;
    long shown = 0;
    for (int i = 0; i < 20; i++) {
      shown += (long) value(rows.get(i), "dispatched");
    }
    assertThat((long) value(others, "dispatched")).isEqualTo(all - shown);
    // The stream carries the same twenty rows whether there are a hundred tenants or 10^5.
    assertThat(large.length()).isLessThan(2 * small.length());
    assertThat(large.length()).isLessThan(20_000);
  }

  @Test
  void ratesAndSharesComeFromTheDispatchesBetweenSnapshots() throws Exception {
    DashboardSnapshot snapshot = new DashboardSnapshot(pool, waits, clock, 20);
    snapshot.render(band(Map.of("a", 0L, "b", 0L)));
    clock.advance(Duration.ofSeconds(2));
    JsonNode root = JSON.readTree(snapshot.render(band(Map.of("a", 30L, "b", 10L))));
    JsonNode a = table(root, "tenants").get("rows").get(0);
    assertThat(a.get("id").asText()).isEqualTo("a/0");
    // Half of the new rate (15/s), half of the old (0): the first interval is smoothed.
    assertThat(value(a, "rate")).isEqualTo(7.5);
    assertThat(value(a, "share")).isEqualTo(0.75);
    assertThat(value(table(root, "bands").get("rows").get(0), "rate")).isEqualTo(10.0);
    assertThat(root.get("chart").get("series").get(0).get("value").asDouble()).isEqualTo(10.0);
    // No endpoint has reported metrics yet, so the gate holds dispatch.
    assertThat(root.get("gate").get("open").asBoolean()).isFalse();
    assertThat(root.get("gate").get("text").asText()).startsWith("gate closed (saturation ");
    assertThat(value(table(root, "endpoints").get("rows").get(0), "metrics")).isZero();
  }

  @Test
  void percentilesInterpolateInsideTheHistogramBuckets() {
    List<Long> bounds = WaitHistograms.bounds();
    long[] counts = new long[bounds.size() + 1];
    int tenMillis = bounds.indexOf(Duration.ofMillis(10).toNanos());
    counts[tenMillis] = 100; // all in (5 ms, 10 ms]
    assertThat(WaitHistograms.quantileMillis(counts, 0.5)).isEqualTo(7.5);
    assertThat(WaitHistograms.quantileMillis(counts, 0.99)).isCloseTo(9.95, within());
    assertThat(WaitHistograms.quantileMillis(new long[counts.length], 0.5)).isNull();
    assertThat(WaitHistograms.bucket(0)).isZero();
    assertThat(WaitHistograms.bucket(Duration.ofMinutes(5).toNanos())).isEqualTo(bounds.size());
  }

  private static JsonNode table(JsonNode root, String id) {
    for (JsonNode table : root.get("tables")) {
      if (table.get("id").asText().equals(id)) {
        return table;
      }
    }
    throw new AssertionError("no table " + id + " in " + root);
  }

  private static double value(JsonNode row, String column) {
    return row.get("cells").get(column).get("value").asDouble();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  /** {@code count} flows at priority 0; flow {@code i} has dispatched {@code i * factor}. */
  private static FlowStats stats(int count, long factor) {
    Map<String, Long> dispatched = new HashMap<>();
    for (int i = 0; i < count; i++) {
      dispatched.put("t" + i, i * factor);
    }
    return band(dispatched);
  }

  private static FlowStats band(Map<String, Long> dispatched) {
    Map<String, FlowStats.FlowEntry> flows = new HashMap<>();
    dispatched.forEach(
        (id, n) ->
            flows.put(
                id,
                new FlowStats.FlowEntry(
                    FlowKey.of(id, 0), 0, 0, 0, Map.of(Outcome.DISPATCHED, n))));
    FlowStats.BandStats band = new FlowStats.BandStats(0, false, 0, 0, 0, Map.of(), flows);
    return new FlowStats(0, 0, 0, Map.of(), 1, List.of(band));
  }
}
