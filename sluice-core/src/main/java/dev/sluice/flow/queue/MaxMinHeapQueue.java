package dev.sluice.flow.queue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A min-max heap ordered by a comparator: the least item is the head, the greatest the tail. O(1)
 * peek at both ends, O(log n) add and removal by handle. Even levels hold minima of their subtrees
 * and odd levels maxima (Atkinson et al., 1986). The handle is the item's array index plus this
 * queue as owner. Not thread-safe (see {@link FlowQueue}).
 */
final class MaxMinHeapQueue implements FlowQueue {

  static final QueueFactory FACTORY =
      new BuiltinQueueFactory(
          "max-min-heap", Set.of(QueueCapability.PRIORITY_CONFIGURABLE), MaxMinHeapQueue::new);

  private final Comparator<QueueItem> order;
  private @Nullable QueueItem[] heap = new QueueItem[4]; // null past size
  private int size;
  private long byteSize;

  MaxMinHeapQueue(Comparator<QueueItem> order) {
    this.order = Objects.requireNonNull(order, "order");
  }

  @Override
  public String name() {
    return "max-min-heap";
  }

  @Override
  public Set<QueueCapability> capabilities() {
    return FACTORY.capabilities();
  }

  @Override
  public void add(QueueItem item) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    item.queueHandle(this);
    place(item, size);
    size++;
    byteSize += item.request().byteSize();
    pushUp(size - 1);
  }

  @Override
  public boolean remove(QueueItem item) {
    int index = item.queueIndex();
    if (item.queueHandle() != this || index < 0 || index >= size || heap[index] != item) {
      return false;
    }
    removeAt(index);
    return true;
  }

  private void removeAt(int index) {
    QueueItem removed = heap[index];
    int last = --size;
    byteSize -= removed.request().byteSize();
    removed.queueHandle(null);
    removed.queueIndex(-1);
    if (index == last) {
      heap[last] = null;
      return;
    }
    QueueItem moved = heap[last];
    heap[last] = null;
    place(moved, index);
    // The last item may come from the other side of the heap: if it is out of order with its new
    // parent, it belongs above; the parent's value then fills the hole and sinks into it.
    if (index > 0) {
      int parent = (index - 1) / 2;
      boolean min = isMinLevel(index);
      if (min ? less(heap[parent], moved) : less(moved, heap[parent])) {
        swap(index, parent);
        pushUpWhile(parent, !min);
        pushDown(index);
        return;
      }
    }
    pushDown(index);
    if (heap[index] == moved) {
      pushUp(index);
    }
  }

  @Override
  public @Nullable QueueItem peekHead() {
    return size == 0 ? null : heap[0];
  }

  @Override
  public @Nullable QueueItem peekTail() {
    switch (size) {
      case 0:
        return null;
      case 1:
        return heap[0];
      case 2:
        return heap[1];
      default:
        return less(heap[1], heap[2]) ? heap[2] : heap[1];
    }
  }

  @Override
  public @Nullable QueueItem pollHead() {
    if (size == 0) {
      return null;
    }
    QueueItem head = heap[0];
    removeAt(0);
    return head;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long byteSize() {
    return byteSize;
  }

  private boolean less(QueueItem a, QueueItem b) {
    return order.compare(a, b) < 0;
  }

  private void place(QueueItem item, int index) {
    heap[index] = item;
    item.queueIndex(index);
  }

  private void swap(int i, int j) {
    QueueItem a = heap[i];
    place(heap[j], i);
    place(a, j);
  }

  private static boolean isMinLevel(int index) {
    return (31 - Integer.numberOfLeadingZeros(index + 1)) % 2 == 0;
  }

  private void pushUp(int index) {
    if (index == 0) {
      return;
    }
    int parent = (index - 1) / 2;
    if (isMinLevel(index)) {
      if (less(heap[parent], heap[index])) {
        swap(index, parent);
        pushUpWhile(parent, false);
      } else {
        pushUpWhile(index, true);
      }
    } else if (less(heap[index], heap[parent])) {
      swap(index, parent);
      pushUpWhile(parent, true);
    } else {
      pushUpWhile(index, false);
    }
  }

  /** Moves the item up through grandparents while it beats them (min levels if {@code min}). */
  private void pushUpWhile(int index, boolean min) {
    while (index > 2) {
      int grandparent = ((index - 1) / 2 - 1) / 2;
      boolean beats =
          min ? less(heap[index], heap[grandparent]) : less(heap[grandparent], heap[index]);
      if (!beats) {
        return;
      }
      swap(index, grandparent);
      index = grandparent;
    }
  }

  private void pushDown(int index) {
    boolean min = isMinLevel(index);
    while (2 * index + 1 < size) {
      int best = bestDescendant(index, min);
      boolean beats = min ? less(heap[best], heap[index]) : less(heap[index], heap[best]);
      if (!beats) {
        return;
      }
      swap(best, index);
      if (best <= 2 * index + 2) {
        return; // a child: its subtree holds nothing further to fix
      }
      int parent = (best - 1) / 2;
      boolean outOfOrder = min ? less(heap[parent], heap[best]) : less(heap[best], heap[parent]);
      if (outOfOrder) {
        swap(best, parent);
      }
      index = best;
    }
  }

  /** The least (or greatest, if not {@code min}) of the children and grandchildren of index. */
  private int bestDescendant(int index, boolean min) {
    int best = 2 * index + 1;
    if (best + 1 < size && better(best + 1, best, min)) {
      best = best + 1;
    }
    int end = Math.min(4 * index + 7, size);
    for (int grandchild = 4 * index + 3; grandchild < end; grandchild++) {
      if (better(grandchild, best, min)) {
        best = grandchild;
      }
    }
    return best;
  }

  private boolean better(int candidate, int best, boolean min) {
    return min ? less(heap[candidate], heap[best]) : less(heap[best], heap[candidate]);
  }
}
