package dev.sluice.flow.policy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Two-level start-time fair queuing, the shape of Kubernetes API Priority and Fairness (a flow
 * schema, then the flows it matches): the band is shared between groups by weight, and each group's
 * portion between its own flows equally. Both levels charge a dispatch by request cost, as {@link
 * WeightedFair} does, and both bank no credit for idle time.
 *
 * <p>Each group carries start and finish tags in the band's virtual time; each flow carries tags in
 * its group's virtual time. The backlogged group with the least start tag goes next, and inside it
 * the backlogged flow with the least start tag. A group's share therefore does not depend on how
 * many flows it spreads its work over.
 */
final class HierarchicalFair implements FairnessPolicy {

  private final Function<FlowKey, String> groupOf;
  private final ToDoubleFunction<String> groupWeights;

  HierarchicalFair(Function<FlowKey, String> groupOf, ToDoubleFunction<String> groupWeights) {
    this.groupOf = Objects.requireNonNull(groupOf, "groupOf");
    this.groupWeights = Objects.requireNonNull(groupWeights, "groupWeights");
  }

  @Override
  public String name() {
    return "hierarchical-fair";
  }

  @Override
  public BandState newBandState(Comparator<QueueItem> ordering) {
    return new State();
  }

  @Override
  public String toString() {
    return name();
  }

  /** One group of flows in one band state: its tags in the band and its own heap of flows. */
  private static final class Group {
    final String name;
    final double weight;
    final FlowHeap flows = new FlowHeap(Group::compare);
    int members; // flows of this group the state holds tags for
    double start;
    double finish;
    double virtualTime; // of the group's flows

    Group(String name, double weight) {
      this.name = name;
      this.weight = weight;
    }

    private static int compare(FlowQueueView a, FlowQueueView b) {
      int byStart = Double.compare(heaped(a).start, heaped(b).start);
      return byStart != 0 ? byStart : a.key().compareTo(b.key());
    }
  }

  private static final class Tags extends FlowHeap.Slot {
    final Group group;
    double start;
    double finish;

    Tags(Group group) {
      this.group = group;
    }
  }

  /** The tags of a flow in its group's heap: {@code onEnqueued} set them before adding it. */
  private static Tags heaped(FlowQueueView flow) {
    return (Tags) Objects.requireNonNull(flow.policyState(), "a heaped flow has its tags");
  }

  private final class State implements BandState {
    private final Map<String, Group> groups = new HashMap<>();
    private final TreeSet<Group> backlogged =
        new TreeSet<>(
            Comparator.<Group>comparingDouble(group -> group.start)
                .thenComparing(group -> group.name));
    private double virtualTime;

    private Tags tags(FlowQueueView flow) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null) {
        String name = String.valueOf(groupOf.apply(flow.key()));
        Group group =
            groups.computeIfAbsent(
                name,
                n -> {
                  double weight = groupWeights.applyAsDouble(n);
                  return new Group(n, weight > 0 && !Double.isInfinite(weight) ? weight : 1.0);
                });
        group.members++;
        tags = new Tags(group);
        flow.policyState(tags);
      }
      return tags;
    }

    @Override
    public void onEnqueued(FlowQueueView flow, QueueItem item) {
      Tags tags = tags(flow);
      Group group = tags.group;
      if (group.flows.contains(flow)) {
        return;
      }
      if (group.flows.peek() == null) {
        group.start = Math.max(virtualTime, group.finish);
        backlogged.add(group);
      }
      tags.start = Math.max(group.virtualTime, tags.finish);
      group.flows.add(flow);
    }

    @Override
    public void onRemoved(FlowQueueView flow, QueueItem item, boolean dispatched) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null || !tags.group.flows.contains(flow)) {
        return;
      }
      Group group = tags.group;
      if (dispatched) {
        long cost = item.request().cost();
        group.virtualTime = Math.max(group.virtualTime, tags.start);
        tags.finish = tags.start + cost;
        tags.start = tags.finish;
        backlogged.remove(group); // its start tag changes: re-placed below
        virtualTime = Math.max(virtualTime, group.start);
        group.finish = group.start + cost / group.weight;
        group.start = group.finish;
      }
      if (flow.size() == 0) {
        group.flows.remove(flow);
      } else if (dispatched) {
        group.flows.update(flow);
      }
      if (group.flows.peek() == null) {
        backlogged.remove(group);
      } else if (dispatched) {
        backlogged.add(group);
      }
    }

    @Override
    public @Nullable FlowQueueView pick() {
      return backlogged.isEmpty() ? null : backlogged.first().flows.peek();
    }

    @Override
    public void onFlowRemoved(FlowQueueView flow) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null) {
        return;
      }
      Group group = tags.group;
      group.flows.forget(flow);
      if (group.flows.peek() == null) {
        backlogged.remove(group);
      }
      if (--group.members == 0) {
        groups.remove(group.name);
      }
    }
  }
}
