package dev.sluice.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JSON a {@link Snapshot} renders, as the page reads it, and {@link Rates} between them. */
class SnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rendersTheDocumentedShape() throws Exception {
    Snapshot snapshot = new Snapshot("Sluice test").link("/metrics").gate(false, "closed <b>");
    snapshot.totals("queued 3").chart("Rate", "(per second)").series("a", 1.5, 2);
    Snapshot.Table table =
        snapshot
            .table("things", "Things", "thing")
            .column("name", "name")
            .barColumn("fill", "fill");
    table.row("x").text("name", "<script>").number("count", 7).bar("fill", 1.7, "170%", 4);
    table.row("y").number("ratio", null, 1).number("rate", 2.345, 2).badge("ok", true, "fresh");
    table.others().value("name", 3, "others (3)");

    JsonNode root = JSON.readTree(snapshot.json());
    assertThat(root.get("title").asText()).isEqualTo("Sluice test");
    assertThat(root.get("gate").get("open").asBoolean()).isFalse();
    assertThat(root.get("gate").get("text").asText()).isEqualTo("closed <b>");
    assertThat(root.get("links").get(0).asText()).isEqualTo("/metrics");
    assertThat(root.get("totals").asText()).isEqualTo("queued 3");
    assertThat(root.get("chart").get("series").get(0).get("tone").asInt()).isEqualTo(2);
    JsonNode t = root.get("tables").get(0);
    assertThat(t.get("id").asText()).isEqualTo("things");
    assertThat(t.get("rowAttribute").asText()).isEqualTo("thing");
    assertThat(t.get("columns").get(1).get("bar").asBoolean()).isTrue();
    JsonNode x = t.get("rows").get(0).get("cells");
    assertThat(x.get("name").get("text").asText()).isEqualTo("<script>");
    assertThat(x.get("count").get("value").asLong()).isEqualTo(7);
    assertThat(x.get("fill").get("bar").asDouble()).isEqualTo(1.0); // clamped
    JsonNode y = t.get("rows").get(1).get("cells");
    assertThat(y.get("ratio").has("value")).isFalse();
    assertThat(y.get("ratio").get("text").asText()).isEqualTo("-");
    assertThat(y.get("rate").get("text").asText()).isEqualTo("2.35");
    assertThat(y.get("ok").get("badge").asBoolean()).isTrue();
    JsonNode others = t.get("rows").get(2);
    assertThat(others.get("others").asBoolean()).isTrue();
    assertThat(others.get("id").asText()).isEqualTo("others");
  }

  @Test
  void ratesAreSmoothedPerSecondOnTheInjectedClock() {
    ManualClock clock = new ManualClock();
    Rates<String> rates = new Rates<>(clock);
    rates.next();
    assertThat(rates.rate("a", 100)).isZero(); // first sight
    clock.advance(Duration.ofSeconds(2));
    rates.next();
    assertThat(rates.rate("a", 140)).isEqualTo(10.0); // half of 20/s, half of 0
    clock.advance(Duration.ofSeconds(1));
    rates.next();
    assertThat(rates.rate("a", 160)).isEqualTo(15.0); // half of 20/s, half of 10
    clock.advance(Duration.ofSeconds(1));
    rates.next(); // "a" not asked for: forgotten
    clock.advance(Duration.ofSeconds(1));
    rates.next();
    assertThat(rates.rate("a", 500)).isZero();
    clock.advance(Duration.ofSeconds(1));
    rates.next();
    assertThat(rates.rate("a", 10)).isZero(); // went down: recreated
  }
}
