package dev.sluice.flow.queue;

import java.util.Comparator;
import java.util.Set;

/**
 * Creates the {@link FlowQueue}s of one kind. A band's configuration names a factory, or the
 * controller picks one from what the band's ordering policy requires.
 *
 * <p>Implementations must be thread-safe (they are stateless in practice).
 */
public interface QueueFactory {

  /** The registered name, for example {@code list} or {@code max-min-heap}. */
  String name();

  /** What the queues created here can do. */
  Set<QueueCapability> capabilities();

  /**
   * Creates an empty queue.
   *
   * @param order the order of dispatch: the least item is the head; queues without {@link
   *     QueueCapability#PRIORITY_CONFIGURABLE} ignore it
   */
  FlowQueue create(Comparator<QueueItem> order);

  /** The FIFO linked list: O(1) add, remove, peek. Name {@code list}. */
  static QueueFactory list() {
    return ListQueue.FACTORY;
  }

  /**
   * The double-ended heap: O(log n) add and remove, O(1) peek at both ends. Name {@code
   * max-min-heap}.
   */
  static QueueFactory maxMinHeap() {
    return MaxMinHeapQueue.FACTORY;
  }

  /**
   * The built-in factory called {@code name}.
   *
   * @throws IllegalArgumentException naming the known queues if there is none by that name
   */
  static QueueFactory named(String name) {
    switch (name) {
      case "list":
        return list();
      case "max-min-heap":
        return maxMinHeap();
      default:
        throw new IllegalArgumentException(
            "queue: '" + name + "' (expected: one of list, max-min-heap)");
    }
  }
}
