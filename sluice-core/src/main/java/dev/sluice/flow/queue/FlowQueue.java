package dev.sluice.flow.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The queue of one flow on one shard: an unbounded, ordered collection of {@link QueueItem}s with
 * removal by handle. Capacity is enforced by the controller, not by the queue.
 *
 * <p><b>Not thread-safe.</b> A queue is confined to the lock of the shard that owns it; the
 * controller calls it only while holding that lock. Every implementation must pass sluice-testing's
 * {@code FlowQueueConformance}: join it with a subclass that supplies the factory.
 */
public interface FlowQueue {

  /** The registered name of the implementation, for example {@code list}. */
  String name();

  /** What this queue can do. */
  Set<QueueCapability> capabilities();

  /** Adds {@code item}, setting its handle. O(1) for lists, O(log n) for heaps. */
  void add(QueueItem item);

  /**
   * Removes {@code item} by its handle.
   *
   * @return false if {@code item} is not in this queue (never added, already removed, or in another
   *     queue); the queue is then unchanged
   */
  boolean remove(QueueItem item);

  /** The item that should be dispatched first, or {@code null} if empty. */
  @Nullable QueueItem peekHead();

  /** The item that should be dispatched last, or {@code null} if empty. */
  @Nullable QueueItem peekTail();

  /** Removes and returns the head, or returns {@code null} if empty. */
  @Nullable QueueItem pollHead();

  /** The number of items. */
  int size();

  /** The sum of the items' byte sizes. */
  long byteSize();

  /** Removes every item and returns them head first, clearing their handles. */
  default List<QueueItem> drain() {
    List<QueueItem> items = new ArrayList<>(size());
    for (QueueItem item = pollHead(); item != null; item = pollHead()) {
      items.add(item);
    }
    return items;
  }

  /** Whether the queue holds no item. */
  default boolean isEmpty() {
    return size() == 0;
  }
}
