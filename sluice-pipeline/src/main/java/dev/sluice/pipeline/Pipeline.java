package dev.sluice.pipeline;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.backpressure.BackpressureConfig;
import dev.sluice.backpressure.BackpressureController;
import dev.sluice.backpressure.Grant;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.pipeline.PipelineException.Reason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's control plane: work items wait in <em>pending</em>, producers (workers) lease
 * them, heartbeat, and commit a result or fail; results wait until a consumer leases and acks them.
 * Results are references with a byte size; the pipeline never holds data. Create with {@link
 * #create(PipelineConfig)} (in memory) or {@link #create(PipelineConfig, PipelineStore)} (durable:
 * every call that moves items writes their new state through the store, in one batch, before it
 * returns; a restart reconciles as {@link PipelineStore} describes; a failed write stops the
 * pipeline with {@link Reason#STORE_FAILED}).
 *
 * <h2>Backpressure</h2>
 *
 * Built on {@link BackpressureController}. The level it watches is <em>resident plus reserved
 * bytes</em>: the bytes of results held (committed, not acked) plus {@link
 * PipelineConfig#reservedBytesPerItem()} for every item leased and not yet committed. Reserving at
 * lease time is what bounds the overshoot: a lease is granted only while the latch is resumed,
 * which (with a consumer quantum met) means the level was below the high watermark, and the latch
 * sees the reservation before the next lease is decided. So the level never passes the high
 * watermark by more than one lease call's reservation (at most {@code maxInFlightPerWorker ×
 * reservedBytesPerItem} with a cap), plus what results weigh above the estimate. While a consumer
 * quantum is not met the latch does not pause at all, by design; the hard cap still holds. The hard
 * cap {@link PipelineConfig#maxResidentBytes()} bounds resident bytes absolutely: a commit that
 * would pass it is refused ({@link Reason#OVER_CAPACITY}) and its item returns to pending, or fails
 * on its last attempt.
 *
 * <p>Acks free bytes and move the latch at once; producers paused in {@link #leaseAsync} wait on
 * {@link BackpressureController#awaitResume()} and are woken by it, never by polling.
 *
 * <h2>Leases and exactly-once</h2>
 *
 * A producer lease expires when its worker has not heartbeaten for {@link
 * PipelineConfig#leaseTimeout()}; its item returns to pending (an attempt used). A consumer lease
 * makes its result invisible for {@link PipelineConfig#visibilityTimeout()}; then it is visible
 * again. Each result is acked at most once: a second ack of the same lease by the same consumer
 * answers {@link AckOutcome#ALREADY_ACKED} and changes nothing; an ack of a lease that expired is
 * refused ({@link Reason#LEASE_EXPIRED}) because the result may be delivered again. The pipeline
 * remembers the last {@value #RETIRED_MEMORY} ended leases of each kind to tell these apart from
 * unknown ones.
 *
 * <h2>Thread-safety</h2>
 *
 * Thread-safe: one internal lock guards all state and is held only for bookkeeping. Futures from
 * {@link #leaseAsync} and {@link #leaseResultsAsync} complete after it is released, on the thread
 * whose call made work available (or the scheduler's, for timeouts). Timers run on the injected
 * {@link Scheduler}; time comes from the injected {@link Ticker}.
 */
public final class Pipeline implements AutoCloseable {

  /** Ended leases remembered per kind, to answer a repeated call precisely: {@value}. */
  public static final int RETIRED_MEMORY = 1 << 16;

  static final String BYTES = "bytes";
  static final String RESULTS = "results";

  private final PipelineConfig config;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final BackpressureController backpressure;
  private final boolean watermarked;
  private final boolean quantum;
  private final long leaseNanos;
  private final long visibilityNanos;
  private final long reservePerItem;
  private final long hardCap;
  private final Pacer pacer;
  private final PipelineStore store;
  private final String leaseTag;
  private final ConcurrentLinkedQueue<ProducerWaiter> resumed = new ConcurrentLinkedQueue<>();

  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<String, Item> items = new HashMap<>();
  private final ArrayDeque<Item> pending = new ArrayDeque<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, Long> workerLeases = new HashMap<>();
  private final ArrayDeque<Result> visible = new ArrayDeque<>();
  private final Map<String, Held> held = new HashMap<>();
  private final LinkedHashMap<String, Result> unacked = new LinkedHashMap<>();
  private final Map<String, Retired> retiredLeases = new Bounded<>(RETIRED_MEMORY);
  private final Map<String, Retired> retiredHeld = new Bounded<>(RETIRED_MEMORY);
  private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
  private final List<ProducerWaiter> parkedProducers = new ArrayList<>();
  private final List<ConsumerWaiter> parkedConsumers = new ArrayList<>();
  private final List<Item> dirty = new ArrayList<>();
  private long itemSeq;
  private long sequence;
  private long leaseIds;
  private long residentBytes;
  private long reservedBytes;
  private long peakResidentBytes;
  private long peakBytes;
  private long pushedBytes;
  private long pushedResults;
  private long added;
  private long committed;
  private long acked;
  private long failed;
  private long retries;
  private long expiredLeases;
  private long expiredHeld;
  private long rejectedOverCapacity;
  private boolean closed;
  private boolean storeClosed;

  private Pipeline(PipelineConfig config, PipelineStore store) {
    this.config = config;
    this.ticker = config.ticker();
    this.scheduler = config.scheduler();
    this.watermarked = config.highWatermarkBytes() > 0;
    this.quantum = config.consumerQuantum() > 0;
    BackpressureConfig.Builder bp =
        BackpressureConfig.builder()
            .ticker(ticker)
            .maxInFlightPerProducer(config.maxInFlightPerWorker())
            .maxLeasePerCall(config.maxResultsPerLease());
    if (watermarked) {
      bp.watermark(BYTES, config.lowWatermarkBytes(), config.highWatermarkBytes());
    }
    if (quantum) {
      bp.consumerQuantum(RESULTS, config.consumerQuantum());
    }
    this.backpressure = BackpressureController.create(bp.build());
    this.leaseNanos = config.leaseTimeout().toNanos();
    this.visibilityNanos = config.visibilityTimeout().toNanos();
    this.reservePerItem = config.reservedBytesPerItem();
    this.hardCap = config.maxResidentBytes();
    this.pacer = new Pacer(scheduler, ticker, this::expire);
    this.store = store;
    PipelineStore.Recovered recovered = store.recover();
    this.leaseTag = recovered.epoch() == 0 ? "" : recovered.epoch() + "-";
    recover(recovered.items());
  }

  /** Reconciles what the store held at start; see {@link PipelineStore}. */
  private void recover(List<StoredItem> stored) {
    long now = ticker.read();
    for (StoredItem row : stored) {
      Item item = new Item(row.seq(), row.id(), row.payload());
      item.attempts = row.attempts();
      item.lastError = row.lastError();
      item.state = row.state();
      itemSeq = Math.max(itemSeq, row.seq());
      items.put(item.id, item);
      added++;
      switch (row.state()) {
        case PENDING -> pending.addLast(item);
        case LEASED -> {
          item.attempts = Math.max(0, item.attempts - 1);
          item.state = ItemState.PENDING;
          pending.addLast(item);
          touchLocked(item);
        }
        case COMMITTED -> {
          item.result = new ResultRef(Objects.requireNonNull(row.ref(), "ref"), row.bytes());
          Result result = new Result(item, item.result, now);
          unacked.put(item.id, result);
          visible.addLast(result);
          residentBytes += row.bytes();
          committed++;
        }
        case ACKED -> {
          item.result = new ResultRef(Objects.requireNonNull(row.ref(), "ref"), row.bytes());
          committed++;
          acked++;
        }
        case FAILED -> failed++;
      }
    }
    levelsChangedLocked();
    List<StoredItem> reconciled = new ArrayList<>(dirty.size());
    for (Item item : dirty) {
      item.dirty = false;
      reconciled.add(item.stored());
    }
    dirty.clear();
    if (!reconciled.isEmpty()) {
      store.write(reconciled);
    }
  }

  /**
   * Creates an empty pipeline.
   *
   * @param config the configuration
   * @return a new pipeline, open
   */
  public static Pipeline create(PipelineConfig config) {
    return create(config, PipelineStore.memory());
  }

  /**
   * Creates a pipeline that writes its item metadata through {@code store} and starts from what the
   * store holds (see {@link PipelineStore} for how a restart is reconciled). The pipeline owns the
   * store and closes it on {@link #close()}.
   *
   * @param config the configuration
   * @param store the store, open
   * @return a new pipeline, open
   * @throws PipelineStoreException if the store cannot be read or written
   */
  public static Pipeline create(PipelineConfig config, PipelineStore store) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(store, "store");
    try {
      return new Pipeline(config, store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Whether the pipeline's store persists its state (calls then block on disk writes). */
  public boolean durable() {
    return store.durable();
  }

  /** The configuration. */
  public PipelineConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- producers

  /**
   * Adds work items to pending, in order. An id the pipeline already knows (pending, leased, done
   * or failed) is skipped as a duplicate, so adding again after a lost answer is safe.
   *
   * @param workItems the items
   * @return how many were added and how many skipped
   * @throws PipelineException {@link Reason#CLOSED}
   */
  public AddResult add(List<WorkItem> workItems) {
    Objects.requireNonNull(workItems, "workItems");
    int fresh = 0;
    int duplicates = 0;
    synchronized (lock) {
      checkOpenLocked();
      for (WorkItem work : workItems) {
        if (items.containsKey(work.id())) {
          duplicates++;
          continue;
        }
        Item item = new Item(++itemSeq, work.id(), work.payload());
        items.put(item.id, item);
        pending.addLast(item);
        touchLocked(item);
        fresh++;
      }
      added += fresh;
      flushLocked();
    }
    if (fresh > 0) {
      dispatch(true, false);
    }
    return new AddResult(fresh, duplicates);
  }

  /**
   * Leases up to {@code max} pending items to {@code worker}, at once: fewer under the worker's
   * in-flight cap, none while backpressure is paused (the worker's starvation is counted, see
   * {@link PipelineStatus#backpressure()}). Each lease reserves {@link
   * PipelineConfig#reservedBytesPerItem()} until it ends.
   *
   * @param worker the producer's id
   * @param max the most items wanted, {@code >= 0}
   * @return the leases, and whether none came because of a pause
   * @throws PipelineException {@link Reason#CLOSED}
   */
  public LeaseBatch lease(String worker, int max) {
    checkId("worker", worker);
    checkMax(max);
    LeaseBatch batch;
    long next;
    synchronized (lock) {
      checkOpenLocked();
      batch = leaseLocked(worker, max);
      flushLocked();
      next = nextDeadlineLocked();
    }
    pacer.runBy(next);
    return batch;
  }

  /**
   * Like {@link #lease}, but if nothing can be leased now, waits up to {@code wait} for work: a
   * worker paused by backpressure waits on the latch's resume, one without pending work (or at its
   * cap) waits for an item to be added or a lease to end. The future completes with the leases as
   * soon as there are some, or empty when {@code wait} passes; it fails with a {@link
   * PipelineException} ({@link Reason#CLOSED}) if the pipeline closes. Cancelling it withdraws the
   * wait only if it has not yet been served.
   *
   * @param worker the producer's id
   * @param max the most items wanted, {@code > 0}
   * @param wait the longest wait, {@code >= 0}
   * @return the future leases
   */
  public CompletableFuture<LeaseBatch> leaseAsync(String worker, int max, Duration wait) {
    checkId("worker", worker);
    checkPositive(max);
    checkWait(wait);
    ProducerWaiter waiter = new ProducerWaiter(worker, max);
    tryProducer(waiter);
    if (wait.isZero()) {
      timeoutProducer(waiter);
    } else if (!waiter.future.isDone()) {
      armTimeout(waiter, wait, () -> timeoutProducer(waiter));
    }
    return waiter.future;
  }

  /**
   * Extends a lease by {@link PipelineConfig#leaseTimeout()} from now.
   *
   * @param worker the producer that holds it
   * @param leaseId the lease
   * @throws PipelineException {@link Reason#UNKNOWN_LEASE}, {@link Reason#NOT_OWNER}, {@link
   *     Reason#LEASE_EXPIRED}, {@link Reason#LEASE_ENDED}, {@link Reason#CLOSED}
   */
  public void heartbeat(String worker, String leaseId) {
    checkId("worker", worker);
    synchronized (lock) {
      checkOpenLocked();
      Lease lease = ownedLeaseLocked(worker, leaseId);
      lease.deadline = ticker.read() + leaseNanos;
      deadlines.add(new Deadline(lease.deadline, ++sequence, lease));
    }
  }

  /**
   * Commits a lease's result: it is held (its bytes resident, the reservation returned) and visible
   * to consumers. Over the hard cap the commit is refused and the lease ends anyway: the item goes
   * back to pending, or fails if that was its last attempt ({@link Reason#OVER_CAPACITY}), or fails
   * at once if the result alone is larger than the cap ({@link Reason#RESULT_TOO_LARGE}).
   * Committing the same lease again from the same worker answers {@link
   * CommitOutcome#ALREADY_COMMITTED}.
   *
   * @param worker the producer that holds the lease
   * @param leaseId the lease
   * @param result the result's reference and size
   * @return what happened
   * @throws PipelineException {@link Reason#UNKNOWN_LEASE}, {@link Reason#NOT_OWNER}, {@link
   *     Reason#LEASE_EXPIRED}, {@link Reason#LEASE_ENDED}, {@link Reason#OVER_CAPACITY}, {@link
   *     Reason#RESULT_TOO_LARGE}, {@link Reason#CLOSED}
   */
  public CommitOutcome commit(String worker, String leaseId, ResultRef result) {
    checkId("worker", worker);
    Objects.requireNonNull(result, "result");
    PipelineException refused = null;
    synchronized (lock) {
      checkOpenLocked();
      Lease lease = leases.get(leaseId);
      if (lease == null) {
        Retired retired = retiredLeases.get(leaseId);
        if (retired != null && retired.end == End.COMMITTED && retired.owner.equals(worker)) {
          return CommitOutcome.ALREADY_COMMITTED;
        }
      }
      lease = ownedLeaseLocked(worker, leaseId);
      long bytes = result.bytes();
      if (hardCap > 0 && bytes > hardCap) {
        endLeaseLocked(lease, End.REJECTED);
        failLocked(lease.item, "result of " + bytes + " bytes is larger than maxResidentBytes");
        rejectedOverCapacity++;
        refused =
            new PipelineException(
                Reason.RESULT_TOO_LARGE,
                "result of "
                    + bytes
                    + " bytes is larger than maxResidentBytes "
                    + hardCap
                    + "; item "
                    + lease.item.id
                    + " failed");
      } else if (hardCap > 0 && residentBytes + bytes > hardCap) {
        endLeaseLocked(lease, End.REJECTED);
        FailOutcome outcome = retryOrFailLocked(lease.item, "over capacity");
        rejectedOverCapacity++;
        refused =
            new PipelineException(
                Reason.OVER_CAPACITY,
                "holding "
                    + bytes
                    + " more bytes would pass maxResidentBytes "
                    + hardCap
                    + " (resident "
                    + residentBytes
                    + "); item "
                    + lease.item.id
                    + (outcome == FailOutcome.RETRYING
                        ? " is pending again"
                        : " failed on its last attempt"));
      } else {
        endLeaseLocked(lease, End.COMMITTED);
        Result stored = new Result(lease.item, result, ticker.read());
        lease.item.state = ItemState.COMMITTED;
        lease.item.result = result;
        touchLocked(lease.item);
        unacked.put(lease.item.id, stored);
        visible.addLast(stored);
        residentBytes += bytes;
        committed++;
      }
      levelsChangedLocked();
      flushLocked();
    }
    dispatch(true, refused == null);
    if (refused != null) {
      throw refused;
    }
    return CommitOutcome.COMMITTED;
  }

  /**
   * Ends a lease without a result. A retryable failure sends the item back to pending unless it was
   * the item's last attempt; a terminal one fails the item for good.
   *
   * @param worker the producer that holds the lease
   * @param leaseId the lease
   * @param reason why, for the record
   * @param retryable whether another attempt may succeed
   * @return whether the item will be retried
   * @throws PipelineException {@link Reason#UNKNOWN_LEASE}, {@link Reason#NOT_OWNER}, {@link
   *     Reason#LEASE_EXPIRED}, {@link Reason#LEASE_ENDED}, {@link Reason#CLOSED}
   */
  public FailOutcome fail(String worker, String leaseId, String reason, boolean retryable) {
    checkId("worker", worker);
    FailOutcome outcome;
    synchronized (lock) {
      checkOpenLocked();
      Lease lease = ownedLeaseLocked(worker, leaseId);
      endLeaseLocked(lease, End.FAILED);
      if (retryable) {
        outcome = retryOrFailLocked(lease.item, reason);
      } else {
        failLocked(lease.item, reason);
        outcome = FailOutcome.FAILED;
      }
      levelsChangedLocked();
      flushLocked();
    }
    dispatch(true, false);
    return outcome;
  }

  // ---------------------------------------------------------------- consumers

  /**
   * Leases up to {@code max} visible results to {@code consumer}, oldest first, at once; at most
   * {@link PipelineConfig#maxResultsPerLease()} per call. An empty answer starts the consumer's
   * starvation interval, a non-empty one ends it.
   *
   * @param consumer the consumer's id
   * @param max the most results wanted, {@code >= 0}
   * @return the leases, possibly none
   * @throws PipelineException {@link Reason#CLOSED}
   */
  public List<ResultLease> leaseResults(String consumer, int max) {
    checkId("consumer", consumer);
    checkMax(max);
    List<ResultLease> out;
    long next;
    synchronized (lock) {
      checkOpenLocked();
      out = leaseResultsLocked(consumer, max);
      next = nextDeadlineLocked();
    }
    pacer.runBy(next);
    return out;
  }

  /**
   * Like {@link #leaseResults}, but waits up to {@code wait} for a result if none is visible. The
   * future completes with the leases as soon as there are some, or empty when {@code wait} passes;
   * it fails with {@link Reason#CLOSED} if the pipeline closes.
   *
   * @param consumer the consumer's id
   * @param max the most results wanted, {@code > 0}
   * @param wait the longest wait, {@code >= 0}
   * @return the future leases
   */
  public CompletableFuture<List<ResultLease>> leaseResultsAsync(
      String consumer, int max, Duration wait) {
    checkId("consumer", consumer);
    checkPositive(max);
    checkWait(wait);
    ConsumerWaiter waiter = new ConsumerWaiter(consumer, max);
    tryConsumer(waiter);
    if (wait.isZero()) {
      timeoutConsumer(waiter);
    } else if (!waiter.future.isDone()) {
      armTimeout(waiter, wait, () -> timeoutConsumer(waiter));
    }
    return waiter.future;
  }

  /**
   * Acks a leased result: it is consumed, its bytes are freed, and producers may resume. Exactly
   * once: acking the same lease again from the same consumer answers {@link
   * AckOutcome#ALREADY_ACKED}.
   *
   * @param consumer the consumer that holds the lease
   * @param leaseId the lease
   * @return what happened
   * @throws PipelineException {@link Reason#UNKNOWN_LEASE}, {@link Reason#NOT_OWNER}, {@link
   *     Reason#LEASE_EXPIRED} (the result is visible again and will be redelivered), {@link
   *     Reason#LEASE_ENDED} (the consumer failed it), {@link Reason#CLOSED}
   */
  public AckOutcome ack(String consumer, String leaseId) {
    checkId("consumer", consumer);
    synchronized (lock) {
      checkOpenLocked();
      Held lease = held.get(leaseId);
      if (lease == null) {
        Retired retired = retiredHeld.get(leaseId);
        if (retired != null && retired.end == End.ACKED && retired.owner.equals(consumer)) {
          return AckOutcome.ALREADY_ACKED;
        }
      }
      lease = ownedHeldLocked(consumer, leaseId);
      endHeldLocked(lease, End.ACKED);
      Result result = lease.result;
      unacked.remove(result.item.id);
      residentBytes -= result.ref.bytes();
      result.item.state = ItemState.ACKED;
      touchLocked(result.item);
      acked++;
      levelsChangedLocked();
      flushLocked();
    }
    dispatch(true, false);
    return AckOutcome.ACKED;
  }

  /**
   * Extends a result lease by {@link PipelineConfig#visibilityTimeout()} from now: a consumer whose
   * batch takes longer than the timeout heartbeats to keep it invisible to others.
   *
   * @param consumer the consumer that holds the lease
   * @param leaseId the lease
   * @throws PipelineException as {@link #ack}
   */
  public void heartbeatResult(String consumer, String leaseId) {
    checkId("consumer", consumer);
    synchronized (lock) {
      checkOpenLocked();
      Held lease = ownedHeldLocked(consumer, leaseId);
      lease.deadline = ticker.read() + visibilityNanos;
      deadlines.add(new Deadline(lease.deadline, ++sequence, lease));
    }
  }

  /**
   * Gives a leased result back: it is visible again (at the back of the line) for another delivery.
   *
   * @param consumer the consumer that holds the lease
   * @param leaseId the lease
   * @throws PipelineException as {@link #ack}
   */
  public void failResult(String consumer, String leaseId) {
    checkId("consumer", consumer);
    synchronized (lock) {
      checkOpenLocked();
      Held lease = ownedHeldLocked(consumer, leaseId);
      endHeldLocked(lease, End.FAILED);
      visible.addLast(lease.result);
    }
    dispatch(false, true);
  }

  // ---------------------------------------------------------------- status and lifecycle

  /**
   * Where one item is.
   *
   * @param itemId the item's id
   * @return its state, attempts and last error, or empty if the pipeline does not know it
   */
  public Optional<ItemStatus> item(String itemId) {
    synchronized (lock) {
      Item item = items.get(Objects.requireNonNull(itemId, "itemId"));
      return item == null
          ? Optional.empty()
          : Optional.of(new ItemStatus(item.id, item.state, item.attempts, item.lastError));
    }
  }

  /** A consistent snapshot of the pipeline's state and counters. */
  public PipelineStatus status() {
    synchronized (lock) {
      long now = ticker.read();
      Duration oldest = Duration.ZERO;
      Iterator<Result> first = unacked.values().iterator();
      if (first.hasNext()) {
        oldest = Duration.ofNanos(now - first.next().committedAt);
      }
      long free =
          watermarked
              ? Math.max(0, config.highWatermarkBytes() - residentBytes - reservedBytes)
              : -1;
      return new PipelineStatus(
          backpressure.isPaused(),
          pending.size(),
          leases.size(),
          visible.size(),
          held.size(),
          added,
          committed,
          acked,
          failed,
          retries,
          expiredLeases,
          expiredHeld,
          rejectedOverCapacity,
          committed - acked,
          residentBytes,
          reservedBytes,
          peakResidentBytes,
          peakBytes,
          free,
          oldest,
          workerLeases,
          backpressure.stats());
    }
  }

  /**
   * Closes the pipeline: waiting lease futures fail with {@link Reason#CLOSED}, later calls throw
   * it, timers stop. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    release();
  }

  /** After {@link #closed} was set: stops the timers, refuses the waiters, closes the store. */
  private void release() {
    pacer.stop();
    backpressure.close();
    dispatch(true, true);
    synchronized (lock) {
      if (!storeClosed) {
        storeClosed = true;
        store.close();
      }
    }
  }

  /** Marks an item changed, to be written by the next {@link #flushLocked()}. */
  private void touchLocked(Item item) {
    if (!item.dirty) {
      item.dirty = true;
      dirty.add(item);
    }
  }

  /**
   * Writes the items this call changed to the store, in one batch. If the store fails the pipeline
   * stops (fail-stop): what is on disk stays the last consistent state, and a restart reconciles.
   */
  private void flushLocked() {
    if (dirty.isEmpty()) {
      return;
    }
    List<StoredItem> batch = new ArrayList<>(dirty.size());
    for (Item item : dirty) {
      item.dirty = false;
      batch.add(item.stored());
    }
    dirty.clear();
    if (storeClosed) {
      return; // closed: nothing more is recorded, a restart reconciles
    }
    try {
      store.write(batch);
    } catch (PipelineStoreException e) {
      if (!closed) {
        closed = true;
        // The scheduler only queues the task here; release() runs without this lock held.
        Scheduler.Cancellable unused = scheduler.schedule(this::release, 0);
      }
      throw new PipelineException(
          Reason.STORE_FAILED, e.getMessage() + "; the pipeline stopped, restart it");
    }
  }

  // ---------------------------------------------------------------- internals

  private LeaseBatch leaseLocked(String worker, int max) {
    if (max == 0) {
      return new LeaseBatch(List.of(), backpressure.isPaused());
    }
    Grant grant = backpressure.grant(worker, max);
    if (grant.paused()) {
      return new LeaseBatch(List.of(), true);
    }
    int take = Math.min(grant.granted(), pending.size());
    if (grant.granted() > take) {
      backpressure.release(worker, grant.granted() - take);
    }
    if (take == 0) {
      return new LeaseBatch(List.of(), false);
    }
    long deadline = ticker.read() + leaseNanos;
    List<ItemLease> out = new ArrayList<>(take);
    for (int i = 0; i < take; i++) {
      Item item = pending.pollFirst();
      item.attempts++;
      item.state = ItemState.LEASED;
      touchLocked(item);
      Lease lease = new Lease(nextId("p-"), item, worker, deadline);
      leases.put(lease.id, lease);
      workerLeases.merge(worker, 1L, Long::sum);
      reservedBytes += reservePerItem;
      deadlines.add(new Deadline(deadline, ++sequence, lease));
      out.add(new ItemLease(lease.id, item.id, item.payload, item.attempts));
    }
    levelsChangedLocked();
    return new LeaseBatch(out, false);
  }

  private List<ResultLease> leaseResultsLocked(String consumer, int max) {
    int limit = backpressure.leaseLimit(max);
    int take = Math.min(limit, visible.size());
    List<ResultLease> out = new ArrayList<>(take);
    long deadline = ticker.read() + visibilityNanos;
    for (int i = 0; i < take; i++) {
      Result result = visible.pollFirst();
      result.deliveries++;
      Held lease = new Held(nextId("r-"), result, consumer, deadline);
      held.put(lease.id, lease);
      deadlines.add(new Deadline(deadline, ++sequence, lease));
      out.add(
          new ResultLease(
              lease.id, result.item.id, result.ref.ref(), result.ref.bytes(), result.deliveries));
    }
    if (max > 0) {
      backpressure.recordLease(consumer, out.size());
    }
    return out;
  }

  private Lease ownedLeaseLocked(String worker, String leaseId) {
    Lease lease = leases.get(Objects.requireNonNull(leaseId, "leaseId"));
    if (lease == null) {
      Retired retired = retiredLeases.get(leaseId);
      if (retired != null && !retired.owner.equals(worker)) {
        throw new PipelineException(
            Reason.NOT_OWNER, "lease " + leaseId + " belonged to another worker");
      }
      throw ended("lease", leaseId, retired);
    }
    if (!lease.worker.equals(worker)) {
      throw new PipelineException(
          Reason.NOT_OWNER, "lease " + leaseId + " belongs to another worker");
    }
    return lease;
  }

  private Held ownedHeldLocked(String consumer, String leaseId) {
    Held lease = held.get(Objects.requireNonNull(leaseId, "leaseId"));
    if (lease == null) {
      Retired retired = retiredHeld.get(leaseId);
      if (retired != null && !retired.owner.equals(consumer)) {
        throw new PipelineException(
            Reason.NOT_OWNER, "result lease " + leaseId + " belonged to another consumer");
      }
      throw ended("result lease", leaseId, retired);
    }
    if (!lease.consumer.equals(consumer)) {
      throw new PipelineException(
          Reason.NOT_OWNER, "result lease " + leaseId + " belongs to another consumer");
    }
    return lease;
  }

  private static PipelineException ended(String kind, String leaseId, @Nullable Retired retired) {
    if (retired == null) {
      return new PipelineException(Reason.UNKNOWN_LEASE, "no " + kind + " " + leaseId);
    }
    if (retired.end == End.EXPIRED) {
      return new PipelineException(
          Reason.LEASE_EXPIRED,
          kind + " " + leaseId + " expired; its work was handed back to be done again");
    }
    return new PipelineException(
        Reason.LEASE_ENDED,
        kind
            + " "
            + leaseId
            + " already ended ("
            + retired.end.name().toLowerCase(java.util.Locale.ROOT)
            + ")");
  }

  private void endLeaseLocked(Lease lease, End end) {
    leases.remove(lease.id);
    reservedBytes -= reservePerItem;
    backpressure.release(lease.worker, 1);
    workerLeases.computeIfPresent(lease.worker, (w, n) -> n == 1 ? null : n - 1);
    retiredLeases.put(lease.id, new Retired(lease.worker, end));
  }

  private void endHeldLocked(Held lease, End end) {
    held.remove(lease.id);
    retiredHeld.put(lease.id, new Retired(lease.consumer, end));
  }

  private FailOutcome retryOrFailLocked(Item item, String reason) {
    if (item.attempts >= config.maxAttempts()) {
      failLocked(item, reason);
      return FailOutcome.FAILED;
    }
    item.state = ItemState.PENDING;
    item.lastError = reason;
    pending.addLast(item);
    touchLocked(item);
    retries++;
    return FailOutcome.RETRYING;
  }

  private void failLocked(Item item, String reason) {
    item.state = ItemState.FAILED;
    item.lastError = reason;
    touchLocked(item);
    failed++;
  }

  /** Pushes changed levels to the latch, under the lock so it sees them in order. */
  private void levelsChangedLocked() {
    long bytes = residentBytes + reservedBytes;
    peakBytes = Math.max(peakBytes, bytes);
    peakResidentBytes = Math.max(peakResidentBytes, residentBytes);
    long results = unacked.size();
    // Results first: on a commit the quantum may become met, and the byte level decides the pause.
    if (quantum && results != pushedResults) {
      pushedResults = results;
      backpressure.update(RESULTS, results);
    }
    if (watermarked && bytes != pushedBytes) {
      pushedBytes = bytes;
      backpressure.update(BYTES, bytes);
    }
  }

  private String nextId(String prefix) {
    return prefix + leaseTag + ++leaseIds;
  }

  private long nextDeadlineLocked() {
    Deadline next = deadlines.peek();
    return next == null ? Long.MAX_VALUE : next.at;
  }

  /** The timer: ends every lease whose deadline passed, then asks for the next deadline. */
  private void expire() {
    boolean producers = false;
    boolean consumers = false;
    long next;
    synchronized (lock) {
      if (closed) {
        return;
      }
      long now = ticker.read();
      Deadline due;
      while ((due = deadlines.peek()) != null && due.at <= now) {
        deadlines.poll();
        if (due.target instanceof Lease lease) {
          if (leases.get(lease.id) == lease && lease.deadline <= now) {
            endLeaseLocked(lease, End.EXPIRED);
            expiredLeases++;
            retryOrFailLocked(lease.item, "lease expired");
            producers = true;
          }
        } else if (due.target instanceof Held lease
            && held.get(lease.id) == lease
            && lease.deadline <= now) {
          endHeldLocked(lease, End.EXPIRED);
          expiredHeld++;
          visible.addLast(lease.result);
          consumers = true;
        }
      }
      if (producers) {
        levelsChangedLocked();
        try {
          flushLocked();
        } catch (PipelineException e) {
          return; // the pipeline stopped; nobody called, nobody to tell
        }
      }
      next = nextDeadlineLocked();
    }
    pacer.runBy(next);
    if (producers || consumers) {
      dispatch(producers, consumers);
    }
  }

  /**
   * Outside the lock: retries the waiters that may now be served. Producers parked for work or
   * woken by the latch's resume; consumers parked for results.
   */
  private void dispatch(boolean producers, boolean consumers) {
    List<ProducerWaiter> retryProducers = new ArrayList<>();
    List<ConsumerWaiter> retryConsumers = new ArrayList<>();
    do {
      synchronized (lock) {
        if (producers || closed) {
          retryProducers.addAll(parkedProducers);
          parkedProducers.clear();
        }
        if (consumers || closed) {
          retryConsumers.addAll(parkedConsumers);
          parkedConsumers.clear();
        }
      }
      ProducerWaiter woken;
      while ((woken = resumed.poll()) != null) {
        retryProducers.add(woken);
      }
      for (ProducerWaiter waiter : retryProducers) {
        tryProducer(waiter);
      }
      for (ConsumerWaiter waiter : retryConsumers) {
        tryConsumer(waiter);
      }
      retryProducers.clear();
      retryConsumers.clear();
      producers = false;
      consumers = false;
    } while (!resumed.isEmpty());
  }

  private void tryProducer(ProducerWaiter waiter) {
    LeaseBatch batch = null;
    boolean refused = false;
    PipelineException failure = null;
    long next = Long.MAX_VALUE;
    synchronized (lock) {
      if (waiter.done) {
        return;
      }
      if (closed) {
        waiter.done = true;
        refused = true;
      } else {
        LeaseBatch got;
        try {
          got = leaseLocked(waiter.worker, waiter.max);
          flushLocked();
        } catch (PipelineException e) {
          waiter.done = true;
          failure = e;
          got = new LeaseBatch(List.of(), false);
        }
        if (failure != null) {
          // refused below
        } else if (!got.isEmpty()) {
          waiter.done = true;
          batch = got;
          next = nextDeadlineLocked();
        } else if (got.paused()) {
          // Woken by the latch, not by polling: the resume (or close) puts it on the ready queue,
          // drained by whichever call caused it once the lock is released.
          waiter.resume = backpressure.awaitResume();
          CompletableFuture<Void> unused =
              waiter.resume.whenComplete((v, e) -> resumed.add(waiter));
        } else {
          parkedProducers.add(waiter);
        }
      }
    }
    if (refused || failure != null) {
      waiter.cancelTimeout();
      waiter.future.refuse(failure != null ? failure : closedException());
    } else if (batch != null) {
      pacer.runBy(next);
      waiter.cancelTimeout();
      if (!waiter.future.serve(batch)) {
        giveBack(batch); // the caller cancelled between the decision and here
      }
    }
  }

  private void tryConsumer(ConsumerWaiter waiter) {
    List<ResultLease> out = null;
    boolean refused = false;
    long next = Long.MAX_VALUE;
    synchronized (lock) {
      if (waiter.done) {
        return;
      }
      if (closed) {
        waiter.done = true;
        refused = true;
      } else {
        List<ResultLease> got = leaseResultsLocked(waiter.consumer, waiter.max);
        if (!got.isEmpty()) {
          waiter.done = true;
          out = got;
          next = nextDeadlineLocked();
        } else {
          parkedConsumers.add(waiter);
        }
      }
    }
    if (refused) {
      waiter.cancelTimeout();
      waiter.future.refuse(closedException());
    } else if (out != null) {
      pacer.runBy(next);
      waiter.cancelTimeout();
      if (!waiter.future.serve(out)) {
        giveBackResults(out);
      }
    }
  }

  private void timeoutProducer(ProducerWaiter waiter) {
    CompletableFuture<Void> resume;
    boolean paused;
    synchronized (lock) {
      if (waiter.done) {
        return;
      }
      waiter.done = true;
      parkedProducers.remove(waiter);
      resume = waiter.resume;
      paused = backpressure.isPaused();
    }
    if (resume != null) {
      resume.cancel(false); // withdraws the wait from the latch
    }
    waiter.future.serve(new LeaseBatch(List.of(), paused));
  }

  /** The caller gave up on a waiter: it is no longer served. */
  private void withdraw(Waiter waiter) {
    CompletableFuture<Void> resume;
    synchronized (lock) {
      if (waiter.done) {
        return;
      }
      waiter.done = true;
      parkedProducers.remove(waiter);
      parkedConsumers.remove(waiter);
      resume = waiter.resume;
    }
    if (resume != null) {
      resume.cancel(false);
    }
    waiter.cancelTimeout();
  }

  /** Undoes leases nobody received: the items are pending again, first, attempts not used. */
  private void giveBack(LeaseBatch batch) {
    synchronized (lock) {
      List<ItemLease> leased = batch.leases();
      for (int i = leased.size() - 1; i >= 0; i--) {
        Lease lease = leases.get(leased.get(i).leaseId());
        if (lease != null) {
          endLeaseLocked(lease, End.FAILED);
          lease.item.attempts--;
          lease.item.state = ItemState.PENDING;
          pending.addFirst(lease.item);
          touchLocked(lease.item);
        }
      }
      levelsChangedLocked();
      try {
        flushLocked();
      } catch (PipelineException e) {
        return; // the pipeline stopped
      }
    }
    dispatch(true, false);
  }

  /** Undoes result leases nobody received: the results are visible again, first. */
  private void giveBackResults(List<ResultLease> out) {
    synchronized (lock) {
      for (int i = out.size() - 1; i >= 0; i--) {
        Held lease = held.get(out.get(i).leaseId());
        if (lease != null) {
          endHeldLocked(lease, End.FAILED);
          lease.result.deliveries--;
          visible.addFirst(lease.result);
        }
      }
    }
    dispatch(false, true);
  }

  private void timeoutConsumer(ConsumerWaiter waiter) {
    synchronized (lock) {
      if (waiter.done) {
        return;
      }
      waiter.done = true;
      parkedConsumers.remove(waiter);
    }
    waiter.future.serve(List.of());
  }

  private void armTimeout(Waiter waiter, Duration wait, Runnable onTimeout) {
    Scheduler.Cancellable timeout = scheduler.schedule(onTimeout, wait.toNanos());
    waiter.timeout = timeout;
    synchronized (lock) {
      if (!waiter.done) {
        return;
      }
    }
    timeout.cancel(); // served between the first try and here
  }

  private void checkOpenLocked() {
    if (closed) {
      throw closedException();
    }
  }

  private static PipelineException closedException() {
    return new PipelineException(Reason.CLOSED, "pipeline closed");
  }

  private static void checkId(String what, String id) {
    Objects.requireNonNull(id, what);
    checkArgument(!id.isBlank(), "%s: \"%s\" (expected: not blank)", what, id);
  }

  private static void checkMax(int max) {
    checkArgument(max >= 0, "max: %s (expected: >= 0)", max);
  }

  private static void checkPositive(int max) {
    checkArgument(max > 0, "max: %s (expected: > 0)", max);
  }

  private static void checkWait(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    checkArgument(!wait.isNegative(), "wait: %s (expected: >= 0)", wait);
  }

  private enum End {
    COMMITTED,
    FAILED,
    REJECTED,
    EXPIRED,
    ACKED
  }

  private static final class Item {
    final long seq;
    final String id;
    final String payload;
    int attempts;
    ItemState state = ItemState.PENDING;
    @Nullable String lastError;
    @Nullable ResultRef result; // once committed
    boolean dirty; // changed since the last write to the store

    Item(long seq, String id, String payload) {
      this.seq = seq;
      this.id = id;
      this.payload = payload;
    }

    StoredItem stored() {
      ResultRef r = result;
      return new StoredItem(
          seq,
          id,
          payload,
          state,
          attempts,
          lastError,
          r == null ? null : r.ref(),
          r == null ? 0 : r.bytes());
    }
  }

  /** Something with a deadline in {@link #deadlines}. */
  private abstract static class Timed {
    final String id;
    long deadline;

    Timed(String id, long deadline) {
      this.id = id;
      this.deadline = deadline;
    }
  }

  /** A producer's lease on an item. */
  private static final class Lease extends Timed {
    final Item item;
    final String worker;

    Lease(String id, Item item, String worker, long deadline) {
      super(id, deadline);
      this.item = item;
      this.worker = worker;
    }
  }

  /** A committed result, until acked. */
  private static final class Result {
    final Item item;
    final ResultRef ref;
    final long committedAt;
    int deliveries;

    Result(Item item, ResultRef ref, long committedAt) {
      this.item = item;
      this.ref = ref;
      this.committedAt = committedAt;
    }
  }

  /** A consumer's lease on a result. */
  private static final class Held extends Timed {
    final Result result;
    final String consumer;

    Held(String id, Result result, String consumer, long deadline) {
      super(id, deadline);
      this.result = result;
      this.consumer = consumer;
    }
  }

  private record Retired(String owner, End end) {}

  /** A deadline entry; stale once its lease ended or was extended (checked when it falls due). */
  private record Deadline(long at, long seq, Timed target) implements Comparable<Deadline> {
    @Override
    public int compareTo(Deadline other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }

  private abstract static class Waiter {
    volatile Scheduler.@Nullable Cancellable timeout;
    @Nullable CompletableFuture<Void> resume; // guarded by the pipeline's lock; producers only
    boolean done; // guarded by the pipeline's lock: served, timed out or refused

    void cancelTimeout() {
      Scheduler.Cancellable t = timeout;
      if (t != null) {
        t.cancel();
      }
    }
  }

  private final class ProducerWaiter extends Waiter {
    final String worker;
    final int max;
    final WaiterFuture<LeaseBatch> future = new WaiterFuture<>(this);

    ProducerWaiter(String worker, int max) {
      this.worker = worker;
      this.max = max;
    }
  }

  private final class ConsumerWaiter extends Waiter {
    final String consumer;
    final int max;
    final WaiterFuture<List<ResultLease>> future = new WaiterFuture<>(this);

    ConsumerWaiter(String consumer, int max) {
      this.consumer = consumer;
      this.max = max;
    }
  }

  /**
   * A waiter's future. The pipeline completes it through {@link #serve} and {@link #refuse};
   * completed by anyone else (cancel, {@code orTimeout}, {@code complete}) it withdraws the wait,
   * so a gone caller is never handed leases.
   */
  private final class WaiterFuture<T> extends CompletableFuture<T> {
    private final Waiter owner;

    WaiterFuture(Waiter owner) {
      this.owner = owner;
    }

    boolean serve(T value) {
      return super.complete(value);
    }

    void refuse(Throwable cause) {
      super.completeExceptionally(cause);
    }

    @Override
    public boolean complete(T value) {
      return withdrawIf(super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable cause) {
      return withdrawIf(super.completeExceptionally(cause));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return withdrawIf(super.cancel(mayInterruptIfRunning));
    }

    private boolean withdrawIf(boolean completed) {
      if (completed) {
        withdraw(owner);
      }
      return completed;
    }
  }

  /** A map that forgets its oldest entries beyond {@code max}. */
  private static final class Bounded<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int max;

    Bounded(int max) {
      this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > max;
    }
  }
}
