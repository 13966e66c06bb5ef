package dev.sluice.flow.policy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueItem;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FairnessPolicy} sees of one flow's queue on one shard. Read-only but for a slot the
 * band's fairness state may use for its own per-flow bookkeeping.
 *
 * <p>Confined to the owning shard's lock, like the queue behind it.
 */
public interface FlowQueueView {

  /** The flow. */
  FlowKey key();

  /** Items queued. */
  int size();

  /** Bytes queued. */
  long byteSize();

  /** The item the flow's ordering policy would dispatch next, or {@code null} if empty. */
  @Nullable QueueItem peekHead();

  /** The fairness state's per-flow slot; {@code null} until it sets one. */
  @Nullable Object policyState();

  /** Sets the fairness state's per-flow slot; {@code null} clears it. */
  void policyState(@Nullable Object state);
}
