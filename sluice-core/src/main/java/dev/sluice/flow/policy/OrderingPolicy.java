package dev.sluice.flow.policy;

import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Orders the requests inside a flow: which of a flow's queued requests goes first. Also orders
 * heads across flows under the {@code global-strict} fairness policy.
 *
 * <p>Implementations are stateless and thread-safe. Every built-in passes sluice-testing's {@code
 * OrderingPolicyConformance}. The comparator must be a total order consistent over time for queued
 * items; the built-ins break ties by arrival {@link QueueItem#sequence()}.
 */
public interface OrderingPolicy {

  /** The registered name, for example {@code fcfs}. */
  String name();

  /** The order of dispatch: the least item goes first. */
  Comparator<QueueItem> comparator();

  /** What the flow's queue must be able to do to keep this order. */
  Set<QueueCapability> requiredCapabilities();

  /**
   * {@code fcfs}: first come, first served, by arrival. Works on any queue; a FIFO list keeps it
   * exactly at O(1).
   */
  static OrderingPolicy fcfs() {
    return Orderings.FCFS;
  }

  /**
   * {@code edf}: earliest deadline first, by the effective deadline (enqueue time plus TTL, capped
   * by the default TTL and the caller's deadline). Requests without a deadline sort last, in
   * arrival order. Needs a priority queue.
   */
  static OrderingPolicy edf() {
    return Orderings.EDF;
  }

  /**
   * {@code slo-deadline}: by received time plus the request's SLO. Requests without an SLO sort
   * last; ties go by received time, then arrival. Needs a priority queue.
   */
  static OrderingPolicy sloDeadline() {
    return Orderings.SLO_DEADLINE;
  }

  /**
   * A custom order named {@code name}. Ties the comparator leaves are broken by arrival. Needs a
   * priority queue.
   */
  static OrderingPolicy custom(String name, Comparator<QueueItem> order) {
    Objects.requireNonNull(name, "name");
    Comparator<QueueItem> total = order.thenComparingLong(QueueItem::sequence);
    return new OrderingPolicy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Comparator<QueueItem> comparator() {
        return total;
      }

      @Override
      public Set<QueueCapability> requiredCapabilities() {
        return EnumSet.of(QueueCapability.PRIORITY_CONFIGURABLE);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /**
   * The built-in policy called {@code name}: {@code fcfs}, {@code edf} or {@code slo-deadline}.
   *
   * @throws IllegalArgumentException naming the known policies if there is none by that name
   */
  static OrderingPolicy named(String name) {
    switch (name) {
      case "fcfs":
        return fcfs();
      case "edf":
        return edf();
      case "slo-deadline":
        return sloDeadline();
      default:
        throw new IllegalArgumentException(
            "ordering: '" + name + "' (expected: one of fcfs, edf, slo-deadline)");
    }
  }
}
