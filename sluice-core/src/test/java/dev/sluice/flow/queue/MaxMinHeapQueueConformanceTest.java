package dev.sluice.flow.queue;

import dev.sluice.testing.conformance.FlowQueueConformance;

class MaxMinHeapQueueConformanceTest extends FlowQueueConformance {
  @Override
  protected QueueFactory factory() {
    return QueueFactory.maxMinHeap();
  }
}
