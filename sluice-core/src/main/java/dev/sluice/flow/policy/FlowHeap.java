package dev.sluice.flow.policy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An indexed binary min-heap of flows: each flow's {@link Slot} records its position, so a flow can
 * be re-sifted or removed in O(log F) when its head or tag changes.
 */
final class FlowHeap {

  /** Per-flow bookkeeping stored in {@link FlowQueueView#policyState()}. */
  static class Slot {
    int index = -1;
  }

  private final Comparator<FlowQueueView> order;
  private @Nullable FlowQueueView[] heap = new FlowQueueView[8]; // null past size
  private int size;

  FlowHeap(Comparator<FlowQueueView> order) {
    this.order = order;
  }

  @Nullable FlowQueueView peek() {
    return size == 0 ? null : heap[0];
  }

  boolean contains(FlowQueueView flow) {
    Slot slot = (Slot) flow.policyState();
    return slot != null && slot.index >= 0;
  }

  void add(FlowQueueView flow) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    place(flow, size++);
    siftUp(size - 1);
  }

  /** Restores order after {@code flow}'s key changed in either direction. */
  void update(FlowQueueView flow) {
    int index = slot(flow).index;
    siftUp(index);
    siftDown(slot(flow).index);
  }

  void remove(FlowQueueView flow) {
    int index = slot(flow).index;
    if (index < 0) {
      return;
    }
    slot(flow).index = -1;
    int last = --size;
    if (index != last) {
      FlowQueueView moved = heap[last];
      heap[last] = null;
      place(moved, index);
      siftUp(index);
      siftDown(slot(moved).index);
    } else {
      heap[last] = null;
    }
  }

  /** Drops {@code flow} from the heap, if there, and clears its slot: it is leaving the band. */
  void forget(FlowQueueView flow) {
    if (contains(flow)) {
      remove(flow);
    }
    flow.policyState(null);
  }

  /** The slot of a flow the band state has put in the heap, which sets it first. */
  private static Slot slot(FlowQueueView flow) {
    return (Slot) Objects.requireNonNull(flow.policyState(), "a heaped flow has its slot");
  }

  private void place(FlowQueueView flow, int index) {
    heap[index] = flow;
    slot(flow).index = index;
  }

  private void siftUp(int index) {
    FlowQueueView flow = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (order.compare(flow, heap[parent]) >= 0) {
        break;
      }
      place(heap[parent], index);
      index = parent;
    }
    place(flow, index);
  }

  private void siftDown(int index) {
    FlowQueueView flow = heap[index];
    int half = size >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      if (child + 1 < size && order.compare(heap[child + 1], heap[child]) < 0) {
        child++;
      }
      if (order.compare(flow, heap[child]) <= 0) {
        break;
      }
      place(heap[child], index);
      index = child;
    }
    place(flow, index);
  }
}
