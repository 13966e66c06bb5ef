package dev.sluice.flow;

import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueItem;

/**
 * One flow's queue on one shard. Guarded by the shard's lock, except the two counters, which are
 * written under it and read without it by {@link FlowController#stats()} and shard selection.
 */
final class FlowShard implements FlowQueueView {
  final Flow flow;
  final Shard shard;
  final ShardBand band;
  final FlowQueue queue;
  private Object policyState;
  volatile long queuedRequests;
  volatile long queuedBytes;

  FlowShard(Flow flow, Shard shard, ShardBand band) {
    this.flow = flow;
    this.shard = shard;
    this.band = band;
    this.queue = band.band.config.queue().create(band.band.config.ordering().comparator());
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
  public QueueItem peekHead() {
    return queue.peekHead();
  }

  @Override
  public Object policyState() {
    return policyState;
  }

  @Override
  public void policyState(Object state) {
    this.policyState = state;
  }

  @Override
  public String toString() {
    return flow.key + "@shard-" + shard.id;
  }
}
