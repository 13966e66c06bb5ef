package dev.sluice.flow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.ObjLongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The controller's shards, active and draining, and how they grow and shrink.
 *
 * <p><b>Invariant:</b> every active shard holds a {@link ShardBand} for every band and a {@link
 * FlowShard} for every live flow, and the active shards' shares of each limit add up to the
 * configured limit (remainders spread over the first shards). A shard removed by {@link #resize}
 * first drains: it takes no new requests but keeps dispatching until empty, and only then is it
 * {@linkplain #retireDrained retired}, with every flow's queue on it.
 *
 * <p><b>Threads.</b> The shard array is copy-on-write and read without a lock ({@link #all}); every
 * method that changes it, or the bands and flows it holds, runs under the registry lock, and takes
 * each shard's lock in turn (the registry lock comes first, never the other way round).
 */
final class ShardSet {
  private final FlowControllerConfig config;
  private final Ticker ticker;
  private final GuardedScheduler scheduler;
  private final ObjLongConsumer<Shard> onTimer;

  /** Every shard, active and draining; copy-on-write under the registry lock. */
  private volatile Shard[] shards = new Shard[0];

  private int nextShardId;

  /**
   * @param onTimer what a shard's deadline timer calls when it fires
   */
  ShardSet(
      FlowControllerConfig config,
      Ticker ticker,
      GuardedScheduler scheduler,
      ObjLongConsumer<Shard> onTimer) {
    this.config = config;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.onTimer = onTimer;
  }

  /** Every shard, active and draining; do not modify. */
  Shard[] all() {
    return shards;
  }

  int activeCount() {
    int active = 0;
    for (Shard shard : shards) {
      if (!shard.draining) {
        active++;
      }
    }
    return active;
  }

  List<Shard> active() {
    List<Shard> active = new ArrayList<>();
    for (Shard shard : shards) {
      if (!shard.draining) {
        active.add(shard);
      }
    }
    return active;
  }

  /**
   * Registry lock: makes {@code count} shards active, adding empty ones or marking the last ones
   * draining, and splits the limits again.
   */
  void resize(int count, Collection<Band> bands, Collection<Flow> flows) {
    List<Shard> active = active();
    if (count > active.size()) {
      add(count - active.size(), bands, flows);
    } else {
      for (Shard shard : active.subList(count, active.size())) {
        shard.lock.lock();
        try {
          shard.draining = true;
        } finally {
          shard.lock.unlock();
        }
      }
    }
    applyLimits();
  }

  /** Registry lock: adds empty shards holding every band and every flow. */
  void add(int count, Collection<Band> bands, Collection<Flow> flows) {
    Shard[] grown = Arrays.copyOf(shards, shards.length + count);
    for (int i = shards.length; i < grown.length; i++) {
      Shard shard = new Shard(nextShardId++, ticker, scheduler, onTimer);
      for (Band band : bands) {
        attachBand(shard, band);
      }
      for (Flow flow : flows) {
        FlowShard[] queues = Arrays.copyOf(flow.shards, flow.shards.length + 1);
        queues[queues.length - 1] = attachFlow(shard, flow);
        flow.shards = queues;
      }
      grown[i] = shard;
    }
    shards = grown;
  }

  /** Registry lock: splits every limit across the active shards, remainders spread. */
  void applyLimits() {
    List<Shard> active = active();
    int n = active.size();
    for (int i = 0; i < n; i++) {
      Shard shard = active.get(i);
      shard.lock.lock();
      try {
        shard.shareLimitsLocked(config, n, i);
      } finally {
        shard.lock.unlock();
      }
    }
  }

  /**
   * Shard {@code index}'s part of {@code limit} over {@code n} shards; 0 (unlimited) stays
   * unlimited.
   */
  static long share(long limit, int n, int index) {
    if (limit == 0) {
      return Long.MAX_VALUE;
    }
    return limit / n + (index < limit % n ? 1 : 0);
  }

  /** Registry lock: a new band joins every active shard; call {@link #applyLimits} after. */
  void attachBand(Band band) {
    for (Shard shard : shards) {
      if (!shard.draining) {
        attachBand(shard, band);
      }
    }
  }

  /** Registry lock: a new flow's queue on every active shard. */
  FlowShard[] attachFlow(Flow flow) {
    List<FlowShard> queues = new ArrayList<>();
    for (Shard shard : shards) {
      if (!shard.draining) {
        queues.add(attachFlow(shard, flow));
      }
    }
    return queues.toArray(new FlowShard[0]);
  }

  /** Registry lock: a collected band leaves every shard. */
  void removeBand(Band band) {
    for (Shard shard : shards) {
      shard.lock.lock();
      try {
        ShardBand shardBand = shard.bandsByPriority.get(band.priority);
        if (shardBand != null) {
          shard.removeBand(shardBand);
        }
      } finally {
        shard.lock.unlock();
      }
    }
  }

  /**
   * Registry lock: removes the draining shards that have emptied, with every flow's queue on them;
   * their timers, one per retired shard (null if it had none), to cancel once the lock is released.
   */
  List<Scheduler.@Nullable Cancellable> retireDrained(Collection<Flow> flows) {
    List<Scheduler.@Nullable Cancellable> timers = new ArrayList<>();
    List<Shard> kept = new ArrayList<>();
    List<Shard> retired = new ArrayList<>();
    for (Shard shard : shards) {
      boolean retire = false;
      if (shard.draining) {
        shard.lock.lock();
        try {
          retire = shard.queuedRequests == 0;
          if (retire) {
            timers.add(shard.timer.handleLocked());
          }
        } finally {
          shard.lock.unlock();
        }
      }
      (retire ? retired : kept).add(shard);
    }
    if (retired.isEmpty()) {
      return timers;
    }
    shards = kept.toArray(new Shard[0]);
    for (Flow flow : flows) {
      flow.shards =
          Arrays.stream(flow.shards)
              .filter(queue -> !retired.contains(queue.shard))
              .toArray(FlowShard[]::new);
    }
    return timers;
  }

  private static void attachBand(Shard shard, Band band) {
    shard.lock.lock();
    try {
      shard.addBand(new ShardBand(band));
    } finally {
      shard.lock.unlock();
    }
  }

  private static FlowShard attachFlow(Shard shard, Flow flow) {
    shard.lock.lock();
    try {
      ShardBand band =
          Objects.requireNonNull(
              shard.bandsByPriority.get(flow.key.priority()),
              "a flow's band is attached to every shard before the flow");
      return new FlowShard(flow, shard, band);
    } finally {
      shard.lock.unlock();
    }
  }
}
