package dev.sluice.flow.queue;

import java.util.Comparator;
import java.util.Set;
import java.util.function.Function;

/** A built-in queue kind: its name, what it can do, and how to make one. Immutable. */
record BuiltinQueueFactory(
    String name,
    Set<QueueCapability> capabilities,
    Function<Comparator<QueueItem>, FlowQueue> maker)
    implements QueueFactory {

  BuiltinQueueFactory {
    capabilities = Set.copyOf(capabilities);
  }

  @Override
  public FlowQueue create(Comparator<QueueItem> order) {
    return maker.apply(order);
  }

  @Override
  public String toString() {
    return name;
  }
}
