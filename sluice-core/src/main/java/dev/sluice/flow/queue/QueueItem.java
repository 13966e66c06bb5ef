package dev.sluice.flow.queue;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/**
 * A queued request as queues and ordering policies see it.
 *
 * <p>The times are on the controller's {@link dev.sluice.flow.Ticker}. The handle fields belong to
 * the {@link FlowQueue} that holds the item: it sets them in {@link FlowQueue#add} and uses them
 * for removal; nobody else may touch them. Items are confined to the lock of the shard that owns
 * them, like the queues.
 */
public interface QueueItem {

  /** The request. */
  FlowRequest request();

  /** When the request entered its queue. */
  long enqueueNanos();

  /**
   * The order of arrival in its shard; unique, breaks every tie. Increasing with arrival, except
   * for a requeued request (see {@link dev.sluice.flow.Admission#requeue}), which takes one below
   * every other in its shard so that it goes first.
   */
  long sequence();

  /**
   * The effective deadline: the earliest of enqueue time plus TTL, enqueue time plus the default
   * TTL, and the caller's deadline; {@link Long#MAX_VALUE} when there is none.
   */
  long deadlineNanos();

  /** When the request arrived (its received time, or the submission time if not given). */
  long receivedNanos();

  /** The queue-owned handle; {@code null} when not in a queue. */
  @Nullable Object queueHandle();

  /**
   * Sets the queue-owned handle, or clears it with {@code null} when the item leaves the queue. For
   * {@link FlowQueue} implementations only.
   */
  void queueHandle(@Nullable Object handle);

  /** The queue-owned index. For {@link FlowQueue} implementations only. */
  int queueIndex();

  /** Sets the queue-owned index. For {@link FlowQueue} implementations only. */
  void queueIndex(int index);
}
