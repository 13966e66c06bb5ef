package dev.sluice.flow.policy;

import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueItem;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;

/** The built-in ordering policies. */
final class Orderings {

  static final OrderingPolicy FCFS =
      new Builtin(
          "fcfs",
          Comparator.comparingLong(QueueItem::sequence),
          EnumSet.noneOf(QueueCapability.class));

  static final OrderingPolicy EDF =
      new Builtin(
          "edf",
          Comparator.comparingLong(QueueItem::deadlineNanos).thenComparingLong(QueueItem::sequence),
          EnumSet.of(QueueCapability.PRIORITY_CONFIGURABLE));

  static final OrderingPolicy SLO_DEADLINE =
      new Builtin(
          "slo-deadline",
          Comparator.comparing((QueueItem item) -> item.request().slo() == null) // no SLO: last
              .thenComparingLong(Orderings::sloDeadline)
              .thenComparingLong(QueueItem::receivedNanos)
              .thenComparingLong(QueueItem::sequence),
          EnumSet.of(QueueCapability.PRIORITY_CONFIGURABLE));

  private Orderings() {}

  /** Received time plus SLO, saturating; {@link Long#MAX_VALUE} without an SLO. */
  static long sloDeadline(QueueItem item) {
    Duration slo = item.request().slo();
    if (slo == null) {
      return Long.MAX_VALUE;
    }
    long sloNanos = saturatedNanos(slo);
    long received = item.receivedNanos();
    return received > Long.MAX_VALUE - sloNanos ? Long.MAX_VALUE : received + sloNanos;
  }

  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException overflow) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static final class Builtin implements OrderingPolicy {
    private final String name;
    private final Comparator<QueueItem> comparator;
    private final Set<QueueCapability> required;

    Builtin(String name, Comparator<QueueItem> comparator, Set<QueueCapability> required) {
      this.name = name;
      this.comparator = comparator;
      this.required = Set.copyOf(required);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Comparator<QueueItem> comparator() {
      return comparator;
    }

    @Override
    public Set<QueueCapability> requiredCapabilities() {
      return required;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
