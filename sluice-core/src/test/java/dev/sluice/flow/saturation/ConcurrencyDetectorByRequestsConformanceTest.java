package dev.sluice.flow.saturation;

import dev.sluice.testing.conformance.SaturationDetectorConformance;

class ConcurrencyDetectorByRequestsConformanceTest extends SaturationDetectorConformance {
  @Override
  protected SaturationDetector detector() {
    return ConcurrencyDetector.ofRequests(3);
  }

  @Override
  protected int capacity() {
    return 3;
  }
}
