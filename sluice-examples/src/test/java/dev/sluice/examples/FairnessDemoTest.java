package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.examples.FairnessDemo.TenantResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short run of the demo, so it cannot rot: every request is accounted for and the story holds.
 */
class FairnessDemoTest {

  @Test
  void shortRunAccountsForEveryRequestAndServesPremiumFirst() throws InterruptedException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, Map<String, TenantResult>> results =
        FairnessDemo.run(1, 7, new PrintStream(printed, true, StandardCharsets.UTF_8));

    int arrivals = FairnessDemo.arrivals(1, 7).size();
    for (Map<String, TenantResult> variant : results.values()) {
      int sent = variant.values().stream().mapToInt(r -> r.sent).sum();
      assertThat(sent).isEqualTo(arrivals);
      for (TenantResult result : variant.values()) {
        assertThat(result.served + result.rejected + result.stillWaiting).isEqualTo(result.sent);
      }
    }
    TenantResult premium = results.get("sluice").get("premium");
    assertThat(premium.served).as("premium is never shed under Sluice").isEqualTo(premium.sent);
    TenantResult batch = results.get("sluice").get("batch (sheddable)");
    assertThat(batch.rejected).as("sheddable work is shed while saturated").isPositive();
    assertThat(results.get("fifo").get("batch (sheddable)").rejected)
        .as("FIFO sheds nothing")
        .isZero();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("Sluice (priority + fairness)", "premium (");
  }
}
