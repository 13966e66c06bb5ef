package dev.sluice.flow.queue;

import dev.sluice.testing.conformance.FlowQueueConformance;

class ListQueueConformanceTest extends FlowQueueConformance {
  @Override
  protected QueueFactory factory() {
    return QueueFactory.list();
  }
}
