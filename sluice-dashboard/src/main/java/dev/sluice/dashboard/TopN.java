package dev.sluice.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Picks the first {@code n} of any number of items by an order, in one pass and {@code O(n)}
 * memory, and hands every other item to a consumer that folds them (typically into one "others"
 * row). A dashboard lists the busiest tenants this way, so a hundred thousand tenants cost the page
 * and its stream no more than {@code n}. Stateless.
 */
public final class TopN {

  private TopN() {}

  /**
   * The first {@code n} of {@code items} in {@code order} (first = most important), sorted; every
   * other item goes to {@code rest}, in no particular order. Each item goes to exactly one of the
   * two.
   *
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public static <T> List<T> select(
      Iterable<? extends T> items, Comparator<? super T> order, int n, Consumer<? super T> rest) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    // The heap's head is the least important item kept, the first to give way.
    PriorityQueue<T> kept = new PriorityQueue<>(Math.max(1, n), order.reversed());
    for (T item : items) {
      if (kept.size() < n) {
        kept.add(item);
      } else if (n > 0 && order.compare(item, kept.peek()) < 0) {
        rest.accept(kept.poll());
        kept.add(item);
      } else {
        rest.accept(item);
      }
    }
    List<T> top = new ArrayList<>(kept);
    top.sort(order);
    return top;
  }
}
