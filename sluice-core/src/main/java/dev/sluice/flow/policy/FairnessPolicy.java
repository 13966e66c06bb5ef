package dev.sluice.flow.policy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Shares a priority band between its flows: which backlogged flow dispatches next.
 *
 * <p>A policy is a stateless, thread-safe factory of {@link BandState}s, one per band per shard
 * (the flyweight pattern GIE uses). Every built-in passes sluice-testing's {@code
 * FairnessPolicyConformance}, and the default its {@code MaxMinFairnessConformance}.
 */
public interface FairnessPolicy {

  /** The registered name, for example {@code round-robin}. */
  String name();

  /**
   * Creates the mutable state of one band on one shard.
   *
   * @param ordering the band's ordering of requests, for policies that compare heads
   */
  BandState newBandState(Comparator<QueueItem> ordering);

  /**
   * The mutable fairness state of one band on one shard. The controller tells it every change to
   * the band's queues and asks it which flow goes next.
   *
   * <p><b>Not thread-safe:</b> called only under the owning shard's lock, so it must be quick and
   * must not block or call back into the controller.
   */
  interface BandState {

    /** {@code item} was just added to {@code flow}'s queue. */
    void onEnqueued(FlowQueueView flow, QueueItem item);

    /**
     * {@code item} was just removed from {@code flow}'s queue: dispatched (right after {@link
     * #pick()} returned {@code flow}) or withdrawn, expired or displaced.
     */
    void onRemoved(FlowQueueView flow, QueueItem item, boolean dispatched);

    /** The backlogged flow whose head should dispatch next, or {@code null} if none is. */
    @Nullable FlowQueueView pick();

    /** {@code flow} (empty) is leaving the band: forget it. */
    void onFlowRemoved(FlowQueueView flow);
  }

  /**
   * {@code round-robin}: backlogged flows take turns, one dispatch per turn. O(1) amortized per
   * pick however many flows come and go. The unit of fairness is the request, not its cost.
   *
   * <p>What it trades away for O(1): turns go only to flows already queued, and a flow that empties
   * loses its place. So it is not max-min fair under closed-loop load: a client below its fair
   * share (few threads, each waiting for its previous call) finds the slot it just gave back taken
   * by a backlogged client and waits a round each time; with 100 clients of 1 to 8 threads sharing
   * 50 slots, the one-thread clients get about half of what they are owed. {@link #weightedFair()},
   * the default, gives them their share within 10% (Kubernetes APF's margin).
   */
  static FairnessPolicy roundRobin() {
    return RoundRobin.INSTANCE;
  }

  /**
   * {@code global-strict}: the band acts as one queue; the flow whose head comes first by the
   * band's ordering dispatches next. No fairness between flows. O(log F) per pick.
   */
  static FairnessPolicy globalStrict() {
    return GlobalStrict.INSTANCE;
  }

  /**
   * {@code weighted-fair} with every flow at weight 1, the default of every band: cost-based fair
   * queuing, each backlogged flow receiving an equal share of cost (for example tokens), not of
   * requests; max-min fair, so a flow whose demand is below its share gets all of it. O(log F) per
   * pick.
   */
  static FairnessPolicy weightedFair() {
    return WeightedFair.EQUAL;
  }

  /**
   * {@code weighted-fair}: start-time fair queuing charged by {@link
   * dev.sluice.flow.FlowRequest#cost()}. Backlogged flows receive cost in proportion to their
   * weights; a flow that goes idle banks no credit. O(log F) per pick.
   *
   * @param weights weight by flow id; ids not in the map weigh {@code defaultWeight}
   * @throws IllegalArgumentException naming the entry if a weight is not a positive finite number
   */
  static FairnessPolicy weightedFair(Map<String, Double> weights, double defaultWeight) {
    WeightedFair.checkWeight("defaultWeight", defaultWeight);
    weights.forEach((id, weight) -> WeightedFair.checkWeight("weights[" + id + "]", weight));
    Map<String, Double> copy = Map.copyOf(weights);
    return new WeightedFair(key -> copy.getOrDefault(key.id(), defaultWeight));
  }

  /**
   * {@code weighted-fair} with weights from a function, read once when a flow is first seen on a
   * shard. A weight that is not a positive finite number counts as 1.
   */
  static FairnessPolicy weightedFair(ToDoubleFunction<FlowKey> weights) {
    return new WeightedFair(weights);
  }

  /**
   * {@code hierarchical-fair}: two-level start-time fair queuing, Kubernetes APF's flow schema and
   * flow. Each flow belongs to the group {@code groupOf} names (for example a tenant); backlogged
   * groups receive cost in proportion to their weights, and inside a group its backlogged flows
   * (for example the tenant's end users) share the group's portion equally. So a group gains
   * nothing by spreading its work over more flows: one sending under 100 flow ids gets the same
   * share as one sending under one. Neither groups nor flows bank credit while idle. O(log F + log
   * G) per pick.
   *
   * <p>Both functions are called under the shard's lock, so they must be quick and must not block:
   * {@code groupOf} once per flow when it is first seen on a shard, {@code groupWeights} once per
   * group when its first flow is. A weight that is not a positive finite number counts as 1. A
   * changed weight applies to a group once all its flows have left the band.
   *
   * @param groupOf the group of a flow; the same key must always map to the same group
   * @param groupWeights the weight of a group, by its name
   */
  static FairnessPolicy hierarchicalFair(
      Function<FlowKey, String> groupOf, ToDoubleFunction<String> groupWeights) {
    return new HierarchicalFair(groupOf, groupWeights);
  }

  /**
   * The built-in policy called {@code name}: {@code round-robin}, {@code global-strict} or {@code
   * weighted-fair} (all weights 1).
   *
   * @throws IllegalArgumentException naming the known policies if there is none by that name
   */
  static FairnessPolicy named(String name) {
    switch (name) {
      case "round-robin":
        return roundRobin();
      case "global-strict":
        return globalStrict();
      case "weighted-fair":
        return weightedFair();
      default:
        throw new IllegalArgumentException(
            "fairness: '"
                + name
                + "' (expected: one of round-robin, global-strict, weighted-fair)");
    }
  }
}
