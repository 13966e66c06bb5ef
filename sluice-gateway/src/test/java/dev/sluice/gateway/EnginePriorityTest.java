package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.engine.EngineConfig;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend with {@code enginePriority} gets each request's priority in the body, so an engine
 * scheduling by priority (vLLM's {@code --scheduling-policy priority}, modelled by the simulator)
 * preempts a running batch request for a premium one that arrives after it. Without the option the
 * engine sees equal priorities and preempts nothing.
 */
class EnginePriorityTest {

  private static final EngineConfig ONE_SLOT_BY_PRIORITY =
      EngineConfig.builder()
          .maxNumSeqs(1)
          .schedulingPolicy(EngineConfig.SchedulingPolicy.PRIORITY)
          .build();

  /** The gateway lets both requests through at once (no queue of its own): the engine decides. */
  private static String config(boolean enginePriority) {
    return GatewayFixture.concurrencyConfig(10, "")
        .replace(
            "backends: %BACKENDS%",
            "backends: [{url: \"%BACKEND0%\", enginePriority: " + enginePriority + "}]");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPremiumRequestPreemptsARunningBatchOneOnlyWhenTheEngineIsToldItsPriority(
      boolean enginePriority) throws Exception {
    try (GatewayFixture f = new GatewayFixture(1, ONE_SLOT_BY_PRIORITY, config(enginePriority))) {
      GatewayFixture.Call batch = f.call("batch", "t-batch", "batch", Map.of());
      batch.awaitHeaders();
      GatewayFixture.Call premium = f.call("premium", "t-premium", "premium", Map.of());
      premium.awaitHeaders();

      assertThat(f.backends.get(0).engine().metrics().preemptions())
          .isEqualTo(enginePriority ? 1 : 0);
      f.finishRunning();
      assertThat(batch.awaitEnd().cause()).isNull();
      assertThat(premium.awaitEnd().cause()).isNull();
      f.awaitIdle();
    }
  }
}
