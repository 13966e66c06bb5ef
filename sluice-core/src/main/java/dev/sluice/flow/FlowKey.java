package dev.sluice.flow;

import java.util.Objects;

/**
 * The identity of a flow: a tenant (fairness) id and a priority.
 *
 * <p>The same id at two priorities is two flows, with separate queues, limits and statistics.
 * Higher priorities are served first; a negative priority marks the flow's work as
 * <em>sheddable</em> (see {@link FlowControllerConfig.Builder#rejectSheddableWhenSaturated}).
 *
 * <p>Instances are immutable values and safe to share between threads. The natural order sorts by
 * priority descending, then id ascending.
 *
 * @param id the fairness id, for example a tenant name; not blank
 * @param priority the priority band; higher is served first, negative is sheddable
 */
public record FlowKey(String id, int priority) implements Comparable<FlowKey> {

  /**
   * Creates a flow key.
   *
   * @throws NullPointerException if {@code id} is null
   */
  public FlowKey {
    Objects.requireNonNull(id, "id");
  }

  /** Returns a key for {@code id} at priority 0. */
  public static FlowKey of(String id) {
    return new FlowKey(id, 0);
  }

  /** Returns a key for {@code id} at {@code priority}. */
  public static FlowKey of(String id, int priority) {
    return new FlowKey(id, priority);
  }

  /** Whether this flow's work may be shed while the backend is saturated: {@code priority < 0}. */
  public boolean isSheddable() {
    return priority < 0;
  }

  @Override
  public int compareTo(FlowKey other) {
    int byPriority = Integer.compare(other.priority, priority);
    return byPriority != 0 ? byPriority : id.compareTo(other.id);
  }

  /** Renders as {@code id:priority}, negative priorities with their sign. */
  @Override
  public String toString() {
    return id + ":" + priority;
  }
}
