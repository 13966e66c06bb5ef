package dev.sluice.flow.saturation;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.testing.conformance.SaturationDetectorConformance;

/** A cost limit of 10 holds three requests of cost 3 at once, never a fourth. */
class ConcurrencyDetectorByCostConformanceTest extends SaturationDetectorConformance {
  @Override
  protected SaturationDetector detector() {
    return ConcurrencyDetector.ofCost(10);
  }

  @Override
  protected int capacity() {
    return 3;
  }

  @Override
  protected FlowRequest request() {
    return FlowRequest.builder(FlowKey.of("cost-3")).cost(3).build();
  }
}
