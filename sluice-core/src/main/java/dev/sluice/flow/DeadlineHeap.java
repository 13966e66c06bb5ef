package dev.sluice.flow;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The queued requests of one shard that have a deadline, in a binary min-heap by deadline, so one
 * timer per shard serves them all and an expired request leaves at its deadline. Each request
 * records its index, for O(log n) removal on dispatch or withdrawal. Guarded by the shard's lock.
 */
final class DeadlineHeap {
  private @Nullable QueuedRequest[] heap = new QueuedRequest[8]; // null past size
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  @Nullable QueuedRequest peek() {
    return size == 0 ? null : heap[0];
  }

  void add(QueuedRequest item) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = item;
    item.deadlineIndex = size;
    siftUp(size++);
  }

  void remove(QueuedRequest item) {
    int index = item.deadlineIndex;
    if (index < 0) {
      return;
    }
    item.deadlineIndex = -1;
    int last = --size;
    QueuedRequest moved = heap[last];
    heap[last] = null;
    if (index != last) {
      heap[index] = moved;
      moved.deadlineIndex = index;
      siftUp(index);
      siftDown(moved.deadlineIndex);
    }
  }

  private void siftUp(int index) {
    QueuedRequest item = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (heap[parent].deadlineNanos <= item.deadlineNanos) {
        break;
      }
      heap[index] = heap[parent];
      heap[index].deadlineIndex = index;
      index = parent;
    }
    heap[index] = item;
    item.deadlineIndex = index;
  }

  private void siftDown(int index) {
    QueuedRequest item = heap[index];
    int half = size >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      if (child + 1 < size && heap[child + 1].deadlineNanos < heap[child].deadlineNanos) {
        child++;
      }
      if (item.deadlineNanos <= heap[child].deadlineNanos) {
        break;
      }
      heap[index] = heap[child];
      heap[index].deadlineIndex = index;
      index = child;
    }
    heap[index] = item;
    item.deadlineIndex = index;
  }

  /** What breaks the heap's order or its items' indexes, or null. */
  @Nullable String violation() {
    for (int index = 0; index < size; index++) {
      QueuedRequest item = heap[index];
      if (item == null || item.deadlineIndex != index) {
        return "deadline heap slot " + index + " does not hold its item";
      }
      if (index > 0) {
        QueuedRequest parent = heap[(index - 1) >>> 1];
        if (parent != null && parent.deadlineNanos > item.deadlineNanos) {
          return "deadline heap out of order at slot " + index;
        }
      }
    }
    return null;
  }

  int size() {
    return size;
  }
}
