package dev.sluice.flow.queue;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A FIFO doubly-linked list: O(1) add, removal by handle, and peek at both ends. The handle is the
 * item's list node, which also records the owning queue, so removal through another queue is
 * refused. Ignores any comparator; an item whose {@link QueueItem#sequence() sequence} is below the
 * head's (a requeued request) goes to the head. Not thread-safe (see {@link FlowQueue}).
 */
final class ListQueue implements FlowQueue {

  static final QueueFactory FACTORY =
      new BuiltinQueueFactory("list", Set.of(QueueCapability.FIFO), order -> new ListQueue());

  private static final class Node {
    final ListQueue owner;
    final QueueItem item;
    @Nullable Node prev; // null at the head
    @Nullable Node next; // null at the tail

    Node(ListQueue owner, QueueItem item) {
      this.owner = owner;
      this.item = item;
    }
  }

  private @Nullable Node head; // null when empty
  private @Nullable Node tail; // null when empty
  private int size;
  private long byteSize;

  @Override
  public String name() {
    return "list";
  }

  @Override
  public Set<QueueCapability> capabilities() {
    return FACTORY.capabilities();
  }

  @Override
  public void add(QueueItem item) {
    Node node = new Node(this, item);
    Node first = head;
    if (first != null && item.sequence() < first.item.sequence()) {
      node.next = first;
      first.prev = node;
      head = node;
    } else {
      node.prev = tail;
      if (tail == null) {
        head = node;
      } else {
        tail.next = node;
      }
      tail = node;
    }
    size++;
    byteSize += item.request().byteSize();
    item.queueHandle(node);
  }

  @Override
  public boolean remove(QueueItem item) {
    if (!(item.queueHandle() instanceof Node node) || node.owner != this) {
      return false;
    }
    unlink(node);
    return true;
  }

  private void unlink(Node node) {
    if (node.prev == null) {
      head = node.next;
    } else {
      node.prev.next = node.next;
    }
    if (node.next == null) {
      tail = node.prev;
    } else {
      node.next.prev = node.prev;
    }
    node.prev = null;
    node.next = null;
    size--;
    byteSize -= node.item.request().byteSize();
    node.item.queueHandle(null);
  }

  @Override
  public @Nullable QueueItem peekHead() {
    return head == null ? null : head.item;
  }

  @Override
  public @Nullable QueueItem peekTail() {
    return tail == null ? null : tail.item;
  }

  @Override
  public @Nullable QueueItem pollHead() {
    if (head == null) {
      return null;
    }
    QueueItem item = head.item;
    unlink(head);
    return item;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long byteSize() {
    return byteSize;
  }
}
