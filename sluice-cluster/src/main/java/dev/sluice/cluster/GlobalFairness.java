package dev.sluice.cluster;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * {@code global-weighted-fair}: weighted fair queuing inside a band by the service flows received
 * across all replicas, as a {@link SharedService} reports it. The backlogged flow with the least
 * virtual time goes next, where a flow's virtual time is its global weighted service plus a local
 * lift: when a flow becomes backlogged here, it is lifted to the least virtual time of the flows
 * already backlogged here (the VTC rule of Sheng et al., OSDI '24), so idle time banks no credit.
 *
 * <p>Approximate: other replicas' service is as fresh as the last sync, and lifts are local (not
 * published), so a flow idle here but busy elsewhere is ordered by its published service alone. A
 * flow served heavily on another replica yields here until the others catch up; this replica's
 * capacity is not held back for it (no cross-replica yield). O(F) per pick, F the flows backlogged
 * in the band on one shard.
 */
public final class GlobalFairness implements FairnessPolicy {
  private final SharedService service;
  private final ToDoubleFunction<FlowKey> weights;

  private GlobalFairness(SharedService service, ToDoubleFunction<FlowKey> weights) {
    this.service = service;
    this.weights = weights;
  }

  /**
   * Fair by {@code service}, each flow weighted by {@code weights} (read once per flow and shard; a
   * weight that is not a positive finite number counts as 1).
   */
  public static GlobalFairness of(SharedService service, ToDoubleFunction<FlowKey> weights) {
    return new GlobalFairness(service, weights);
  }

  @Override
  public String name() {
    return "global-weighted-fair";
  }

  @Override
  public BandState newBandState(Comparator<QueueItem> ordering) {
    return new State();
  }

  @Override
  public String toString() {
    return name() + "(" + service.name() + ")";
  }

  /** What a flow carries on one shard: its weight and its lift. */
  private static final class Tags {
    final double weight;
    double lift;

    Tags(double weight) {
      this.weight = weight;
    }
  }

  private final class State implements BandState {
    private final LinkedHashSet<FlowQueueView> backlogged = new LinkedHashSet<>();

    private Tags tags(FlowQueueView flow) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null) {
        double weight = weights.applyAsDouble(flow.key());
        tags = new Tags(weight > 0 && !Double.isInfinite(weight) ? weight : 1.0);
        flow.policyState(tags);
      }
      return tags;
    }

    private double virtualTime(FlowQueueView flow) {
      return service.total(flow.key().id()) + tags(flow).lift;
    }

    @Override
    public void onEnqueued(FlowQueueView flow, QueueItem item) {
      if (!backlogged.add(flow)) {
        return;
      }
      double least = Double.POSITIVE_INFINITY;
      for (FlowQueueView other : backlogged) {
        if (other != flow) {
          least = Math.min(least, virtualTime(other));
        }
      }
      double own = virtualTime(flow);
      if (own < least && least != Double.POSITIVE_INFINITY) {
        tags(flow).lift += least - own;
      }
    }

    @Override
    public void onRemoved(FlowQueueView flow, QueueItem item, boolean dispatched) {
      if (dispatched) {
        service.charge(flow.key().id(), item.request().cost() / tags(flow).weight);
      }
      if (flow.size() == 0) {
        backlogged.remove(flow);
      }
    }

    @Override
    public @Nullable FlowQueueView pick() {
      FlowQueueView best = null;
      double bestTime = Double.POSITIVE_INFINITY;
      for (FlowQueueView flow : backlogged) {
        double time = virtualTime(flow);
        if (best == null || time < bestTime) {
          best = flow;
          bestTime = time;
        }
      }
      return best;
    }

    @Override
    public void onFlowRemoved(FlowQueueView flow) {
      backlogged.remove(flow);
    }
  }
}
