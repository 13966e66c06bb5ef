package dev.sluice.flow;

import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One flow's queue on one shard. Guarded by the shard's lock, except the two counters, which are
 * written under it and read without it by {@link FlowController#stats()} and shard selection.
 */
final class FlowShard implements FlowQueueView {
  final Flow flow;
  final Shard shard;
  final ShardBand band;
  final FlowQueue queue;
  private @Nullable Object policyState;
  volatile long queuedRequests;
  volatile long queuedBytes;

  FlowShard(Flow flow, Shard shard, ShardBand band) {
    this.flow = flow;
    this.shard = shard;
    this.band = band;
    QueueFactory queues =
        Objects.requireNonNull(band.band.config.queue(), "a band's config is resolved");
    this.queue = queues.create(band.band.config.ordering().comparator());
  }

  @Override
  public FlowKey key() {
    return flow.key;
  }

  @Override
  public int size() {
    return queue.size();
  }

  @Override
  public long byteSize() {
    return queue.byteSize();
  }

  @Override
  public @Nullable QueueItem peekHead() {
    return queue.peekHead();
  }

  @Override
  public @Nullable Object policyState() {
    return policyState;
  }

  @Override
  public void policyState(@Nullable Object state) {
    this.policyState = state;
  }

  @Override
  public String toString() {
    return flow.key + "@shard-" + shard.id;
  }
}
