package dev.sluice.flow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each built-in queue is found by its name. */
class QueueFactoryNamesTest {
  @Test
  void findsEachBuiltInByName() {
    assertThat(QueueFactory.named("list")).isSameAs(QueueFactory.list());
    assertThat(QueueFactory.named("max-min-heap")).isSameAs(QueueFactory.maxMinHeap());
    assertThat(QueueFactory.list().name()).isEqualTo("list");
    assertThat(QueueFactory.maxMinHeap().name()).isEqualTo("max-min-heap");
  }
}
