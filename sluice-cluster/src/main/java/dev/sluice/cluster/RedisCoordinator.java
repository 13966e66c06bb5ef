package dev.sluice.cluster;

import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import io.lettuce.core.RedisURI;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Shares limits between the replicas of a pool through Redis, by credit reservations.
 *
 * <p>Each replica holds a local share of every limit and admits within it with no Redis call. A
 * sync round, one atomic script call every sync interval (sooner when a share runs out), renews the
 * replica's heartbeat, drops the reservations of replicas whose heartbeat expired, and records this
 * replica's new reservation of each limit: {@code max(inUse, min(want, limit - others))}, an
 * absolute value guarded by the replica's sequence number, so a replayed or late call changes
 * nothing. While Redis answers, the reservations of live replicas never sum to more than the limit,
 * so global in-flight never exceeds it, in batched as in strict mode. What batched mode costs is
 * utilisation: up to the headroom of each replica may sit idle while another waits for a sync.
 *
 * <p>When syncs fail {@code failureThreshold} times in a row the coordinator turns {@link
 * Mode#DEGRADED} (logged at WARNING) and each limit follows its {@link FailurePolicy}; the first
 * successful sync turns it {@link Mode#GLOBAL} again (logged at INFO), asking for no more than the
 * current shares for one sync interval so that every replica re-publishes before any grows. Time
 * used in Redis is Redis's own ({@code TIME}); the injected {@link Ticker} serves only local
 * intervals. Shares and mode change only when a round completes, and rounds run one at a time.
 * Thread-safe.
 */
public final class RedisCoordinator implements ClusterCoordinator {
  private static final System.Logger LOG = System.getLogger(RedisCoordinator.class.getName());

  private final RedisCoordinatorBuilder config;
  private final String replica;
  private final RedisLink link;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final String keyPrefix;
  private final long syncNanos;
  private final long heartbeatTtlMillis;
  private final long heartbeatTtlNanos;
  private final ConcurrentHashMap<String, CreditLimit> limits = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServiceLedger> services = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean roundPending = new AtomicBoolean();
  private final AtomicBoolean roundAgain = new AtomicBoolean();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Mode mode = Mode.GLOBAL;
  private volatile int liveReplicas;
  private volatile boolean closed;
  private volatile long lastRoundStart;
  private volatile long noGrowthUntil;
  private volatile Scheduler.@Nullable Cancellable tick;
  private int consecutiveFailures; // touched only by the one round in flight
  private volatile long degradedSince;

  RedisCoordinator(RedisCoordinatorBuilder config, String replica, RedisLink link) {
    this.config = config;
    this.replica = replica;
    this.link = link;
    this.ticker = config.ticker;
    this.scheduler = config.scheduler;
    this.keyPrefix = "sluice:{" + config.pool + "}:";
    this.syncNanos = config.syncInterval.toNanos();
    this.heartbeatTtlMillis = 3 * config.heartbeatInterval.toMillis();
    this.heartbeatTtlNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatTtlMillis);
    this.liveReplicas = config.expectedReplicas;
    this.lastRoundStart = ticker.read() - syncNanos;
    this.noGrowthUntil = ticker.read(); // a ticker may start anywhere, negative values included
  }

  /** A builder for the pool {@code pool} on the Redis at {@code uri}. */
  public static RedisCoordinatorBuilder builder(RedisURI uri, String pool) {
    return new RedisCoordinatorBuilder(uri, pool);
  }

  RedisCoordinator start() {
    tick();
    return this;
  }

  @Override
  public Mode mode() {
    return mode;
  }

  /** This replica's name in Redis: the configured id and a random epoch. */
  public String replica() {
    return replica;
  }

  /** Live replicas seen at the last successful sync (the configured guess before it). */
  public int liveReplicas() {
    return liveReplicas;
  }

  /** Sync rounds that completed, successfully or not. */
  public long rounds() {
    return rounds.get();
  }

  /** Sync rounds that failed (timeout, disconnected, refused). */
  public long failures() {
    return failures.get();
  }

  /** Times the script was sent in full: once, plus once after each {@code NOSCRIPT}. */
  public long scriptLoads() {
    return link.scriptLoads();
  }

  @Override
  public GlobalLimit limit(String name, long limit, FailurePolicy failurePolicy) {
    GlobalLimit registered =
        Registry.register(
            limits,
            name,
            limit,
            failurePolicy,
            () ->
                new CreditLimit(name, limit, failurePolicy, 0, this::onExhausted, this::onRelease));
    requestRound(0);
    return registered;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Published with every round, in a second script call: this replica's cumulative service per
   * flow (absolute, sequence-guarded), and back the others' sum, including replicas that died.
   */
  @Override
  public SharedService service(String name) {
    return services.computeIfAbsent(Checks.checkName("name", name), ServiceLedger::new);
  }

  /** Stops syncing and deletes this replica's heartbeat and reservations (waits up to 1 s). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTick();
    try {
      send("leave", new ArrayList<>(limits.values()), false)
          .toCompletableFuture()
          .get(1, TimeUnit.SECONDS);
    } catch (Exception e) { // best effort: the heartbeat TTL frees the shares anyway
      LOG.log(Level.DEBUG, "leaving the pool failed; the heartbeat TTL frees the shares", e);
    }
    link.close();
  }

  /**
   * Stops dead, as a crashed replica would: no leave, so only the heartbeat TTL frees its shares.
   */
  void crash() {
    closed = true;
    cancelTick();
    link.close();
  }

  private void cancelTick() {
    Scheduler.Cancellable current = tick;
    if (current != null) {
      current.cancel();
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    requestRound(0); // while degraded, its failure moves the shares along the decay
    tick = scheduler.schedule(this::tick, syncNanos);
  }

  private void onExhausted() {
    requestRound(demandDelay());
  }

  /**
   * How long a round on demand waits: strict, not at all (a round per refusal and release);
   * batched, until a fifth of the sync interval after the last round began, so that demand adds at
   * most five rounds per interval to the periodic one, whatever the request rate.
   */
  private long demandDelay() {
    return config.strict ? 0 : lastRoundStart + syncNanos / 5 - ticker.read();
  }

  private void onRelease() {
    if (config.strict) {
      requestRound(0);
    }
  }

  /** Runs a round after {@code delayNanos}, or once more after the one pending. Never blocks. */
  private void requestRound(long delayNanos) {
    if (closed) {
      return;
    }
    if (roundPending.compareAndSet(false, true)) {
      try {
        scheduler.schedule(this::runRound, delayNanos);
      } catch (RuntimeException e) { // a scheduler shut down: the next tick or refusal retries
        roundPending.set(false);
        LOG.log(Level.WARNING, "cluster coordinator: the scheduler refused a sync round", e);
      }
    } else {
      roundAgain.set(true);
    }
  }

  private void runRound() {
    if (closed) {
      roundPending.set(false);
      return;
    }
    lastRoundStart = ticker.read();
    boolean noGrowth = mode != Mode.GLOBAL || lastRoundStart - noGrowthUntil < 0;
    List<CreditLimit> batch = new ArrayList<>();
    for (CreditLimit limit : limits.values()) {
      if (limit.isActive()) {
        batch.add(limit);
      }
    }
    for (ServiceLedger ledger : services.values()) {
      publish(ledger);
    }
    CompletionStage<List<Object>> sent;
    try {
      sent = send("sync", batch, noGrowth);
    } catch (RuntimeException e) { // a bug, not Redis: never leave the coordinator stuck
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (reply, error) -> {
          try {
            rounds.incrementAndGet();
            if (error == null) {
              onReply(batch, reply);
            } else {
              onFailure(batch, error);
            }
          } finally {
            roundPending.set(false);
            if (roundAgain.getAndSet(false)) {
              requestRound(demandDelay());
            }
          }
        });
  }

  private CompletionStage<List<Object>> send(String op, List<CreditLimit> batch, boolean noGrowth) {
    String[] keys = new String[batch.size() + 1];
    String[] args = new String[4 + 3 * batch.size()];
    keys[0] = keyPrefix + "hb";
    args[0] = replica;
    args[1] = Long.toString(sequence.incrementAndGet());
    args[2] = Long.toString(heartbeatTtlMillis);
    args[3] = op;
    for (int i = 0; i < batch.size(); i++) {
      CreditLimit limit = batch.get(i);
      long[] publish = limit.prepareSync(headroom(limit), config.strict, noGrowth);
      keys[i + 1] = keyPrefix + "limit:" + limit.name();
      args[4 + 3 * i] = Long.toString(limit.limit());
      args[5 + 3 * i] = Long.toString(publish[0]);
      args[6 + 3 * i] = Long.toString(publish[1]);
    }
    try {
      return link.sync(keys, args);
    } catch (RuntimeException e) { // a rejected command may also throw at once
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Publishes {@code ledger}; a failure leaves the others' service as it was (stale, not lost). */
  private void publish(ServiceLedger ledger) {
    List<ServiceLedger.Entry> entries = ledger.entries();
    if (entries.isEmpty()) {
      return;
    }
    String[] keys = new String[entries.size() + 1];
    String[] args = new String[3 + entries.size()];
    keys[0] = keyPrefix + "hb";
    args[0] = replica;
    args[1] = Long.toString(sequence.incrementAndGet());
    args[2] = Long.toString(heartbeatTtlMillis);
    for (int i = 0; i < entries.size(); i++) {
      keys[i + 1] = keyPrefix + "svc:" + ledger.name() + ":" + entries.get(i).flow;
      args[3 + i] = Double.toString(entries.get(i).own.sum());
    }
    try {
      link.run(RedisLink.SERVICE, keys, args)
          .thenAccept(
              reply -> {
                for (int i = 0; i < entries.size(); i++) {
                  entries.get(i).others = Double.parseDouble((String) reply.get(i));
                }
              });
    } catch (RuntimeException e) { // rejected at once: stale until the next round
      LOG.log(Level.DEBUG, "publishing service failed", e);
    }
  }

  private long headroom(CreditLimit limit) {
    if (config.strict) {
      return 1;
    }
    return config.headroom > 0
        ? config.headroom
        : Math.max(1, limit.limit() / (4L * Math.max(1, liveReplicas)));
  }

  private void onReply(List<CreditLimit> batch, List<Object> reply) {
    consecutiveFailures = 0;
    liveReplicas = (int) Math.max(1, (Long) reply.get(0));
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).update((Long) reply.get(1 + 2 * i), (Long) reply.get(2 + 2 * i));
    }
    if (mode == Mode.DEGRADED) { // the shares first, so that whoever sees the mode sees them
      // No growth for one heartbeat TTL: a restarted Redis is empty, and a replica that is still
      // reconnecting (Lettuce backs off up to 500 ms) runs on its degraded share unrecorded. By the
      // end of a TTL every live replica has published again or counts as dead.
      noGrowthUntil = ticker.read() + Math.max(syncNanos, heartbeatTtlNanos);
      mode = Mode.GLOBAL;
      LOG.log(Level.INFO, "cluster coordinator for {0}: mode global (Redis reachable)", replica);
    }
  }

  private void onFailure(List<CreditLimit> batch, Throwable error) {
    failures.incrementAndGet();
    for (CreditLimit limit : batch) {
      limit.restoreDemand();
    }
    if (mode == Mode.DEGRADED) {
      applyDegradedShares();
    } else if (++consecutiveFailures >= config.failureThreshold) {
      degradedSince = ticker.read();
      for (CreditLimit limit : limits.values()) {
        limit.markFailure();
      }
      applyDegradedShares();
      mode = Mode.DEGRADED;
      LOG.log(
          Level.WARNING,
          "cluster coordinator for {0}: mode degraded after {1} failed syncs ({2})",
          replica,
          consecutiveFailures,
          error.toString());
    }
  }

  private void applyDegradedShares() {
    long elapsed = ticker.read() - degradedSince;
    for (CreditLimit limit : limits.values()) {
      long share =
          limit.failurePolicy() == FailurePolicy.FAIL_CLOSED
              ? 0
              : DegradedShare.of(
                  limit.limit(),
                  liveReplicas,
                  limit.shareAtFailure(),
                  elapsed,
                  config.decay.toNanos());
      limit.update(share, limit.othersReserved());
    }
  }

  @Override
  public String toString() {
    return "RedisCoordinator(" + keyPrefix + replica + ", mode=" + mode + ")";
  }
}
