package dev.sluice.flow;

import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks one shard's bookkeeping under its lock and lists what does not add up: the invariants
 * {@link Shard} states, checked by tests after they ran (Caffeine's {@code
 * IsValidBoundedLocalCache}). Not used by the engine; reached through {@link
 * dev.sluice.flow.internal.FlowInternals}.
 *
 * <ul>
 *   <li>per flow queue: its size and bytes are its counters and the requests of its flow in the
 *       band's arrival list; its head comes first in the band's ordering (priority queues);
 *   <li>per band: its counters are the sum over its requests, and its arrival list is in arrival
 *       order, linked both ways, each request {@code QUEUED} on this shard;
 *   <li>per shard: its counters are the sum over its bands; the deadline heap is ordered and holds
 *       exactly the queued requests with a deadline;
 *   <li>nothing is queued past its deadline unless a timer is claimed at or before it (or the
 *       scheduler refused one, and the next drain expires it).
 * </ul>
 */
final class ShardInvariants {
  private final Shard shard;
  private final List<String> violations = new ArrayList<>();

  private ShardInvariants(Shard shard) {
    this.shard = shard;
  }

  /** What does not add up on {@code shard} at {@code nowNanos}; empty if all does. */
  static List<String> check(Shard shard, long nowNanos) {
    ShardInvariants check = new ShardInvariants(shard);
    shard.lock.lock();
    try {
      check.run(nowNanos);
    } finally {
      shard.lock.unlock();
    }
    return check.violations;
  }

  private void run(long nowNanos) {
    long requests = 0;
    long bytes = 0;
    long withDeadline = 0;
    long earliest = Durations.NEVER;
    for (ShardBand band : shard.bands) {
      IdentityHashMap<FlowShard, List<QueuedRequest>> byFlow = new IdentityHashMap<>();
      long bandRequests = 0;
      long bandBytes = 0;
      QueuedRequest previous = null;
      for (QueuedRequest item = band.oldest; item != null; item = item.arrivalNext) {
        String where = "shard " + shard.id + " band " + band.band.priority;
        if (item.arrivalPrev != previous) {
          fail(where + ": arrival list broken at request " + item.sequence);
        }
        if (previous != null && previous.sequence >= item.sequence) {
          fail(where + ": arrival list out of order at request " + item.sequence);
        }
        if (item.state != QueuedRequest.QUEUED || item.flowShard == null) {
          fail(where + ": request " + item.sequence + " listed but not queued");
        } else {
          byFlow.computeIfAbsent(item.flowShard, f -> new ArrayList<>()).add(item);
        }
        if (item.deadlineNanos != Long.MAX_VALUE) {
          withDeadline++;
          earliest = Math.min(earliest, item.deadlineNanos);
          if (item.deadlineIndex < 0) {
            fail(where + ": request " + item.sequence + " has a deadline but is not in the heap");
          }
        }
        bandRequests++;
        bandBytes += item.request.byteSize();
        previous = item;
      }
      if (band.newest != previous) {
        fail("shard " + shard.id + " band " + band.band.priority + ": newest is not the last");
      }
      checkCounts(
          "shard " + shard.id + " band " + band.band.priority,
          band.queuedRequests,
          band.queuedBytes,
          bandRequests,
          bandBytes);
      for (Map.Entry<FlowShard, List<QueuedRequest>> flow : byFlow.entrySet()) {
        checkFlow(flow.getKey(), band, flow.getValue());
      }
      requests += bandRequests;
      bytes += bandBytes;
    }
    checkCounts("shard " + shard.id, shard.queuedRequests, shard.queuedBytes, requests, bytes);
    String heap = shard.deadlines.violation();
    if (heap != null) {
      fail("shard " + shard.id + ": " + heap);
    }
    if (shard.deadlines.size() != withDeadline) {
      fail(
          "shard "
              + shard.id
              + ": deadline heap holds "
              + shard.deadlines.size()
              + " requests, "
              + withDeadline
              + " queued have a deadline");
    }
    if (earliest <= nowNanos
        && shard.timer.atNanosLocked() > earliest
        && !shard.timer.failed()
        && !shard.closed) {
      fail(
          "shard "
              + shard.id
              + ": a request is queued "
              + (nowNanos - earliest)
              + " ns past its deadline and no timer will expire it");
    }
  }

  private void checkFlow(FlowShard flowShard, ShardBand band, List<QueuedRequest> items) {
    String where = "flow " + flowShard;
    long bytes = 0;
    for (QueuedRequest item : items) {
      bytes += item.request.byteSize();
    }
    checkCounts(where, flowShard.queuedRequests, flowShard.queuedBytes, items.size(), bytes);
    if (flowShard.queue.size() != items.size() || flowShard.queue.byteSize() != bytes) {
      fail(
          where
              + ": queue holds "
              + flowShard.queue.size()
              + " requests, "
              + flowShard.queue.byteSize()
              + " bytes; "
              + items.size()
              + " requests, "
              + bytes
              + " bytes listed");
    }
    QueueItem head = flowShard.queue.peekHead();
    if (!items.contains(head)) {
      fail(where + ": queue head is not one of its queued requests");
    } else if (flowShard.queue.capabilities().contains(QueueCapability.PRIORITY_CONFIGURABLE)) {
      Comparator<QueueItem> order = band.band.config.ordering().comparator();
      for (QueuedRequest item : items) {
        if (order.compare(item, head) < 0) {
          fail(where + ": request " + item.sequence + " comes before the queue head");
          break;
        }
      }
    }
  }

  private void checkCounts(
      String where, long countedRequests, long countedBytes, long requests, long bytes) {
    if (countedRequests != requests || countedBytes != bytes) {
      fail(
          where
              + ": counters say "
              + countedRequests
              + " requests, "
              + countedBytes
              + " bytes; "
              + requests
              + " requests, "
              + bytes
              + " bytes queued");
    }
  }

  private void fail(String violation) {
    violations.add(violation);
  }
}
