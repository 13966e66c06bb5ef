package dev.sluice.bench.jmh;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.sluice.bench.harness.InertScheduler;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.internal.SemaphoreBulkhead;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The admission fast path, unsaturated: take permission and give it back, never running out.
 * Every limiter is shared by the benchmark threads (run with {@code -t 1} and {@code -t 2}), as in
 * {@code shared/reference/anchors_measured.md}. For Sluice one operation is
 * submit → dispatch on arrival → {@link Admission#close()}, through the public API with the
 * default {@link ConcurrencyDetector} (a limit never reached) and the system ticker; the scheduler
 * never runs the idle-flow collector, so no background thread competes for the two cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AdmissionBenchmark {
  private static final int NEVER_EXHAUSTED = 1 << 30;

  private Semaphore semaphore;
  private SemaphoreBulkhead bulkhead;
  private SimpleLimiter<Void> simpleLimiter;
  private AtomicInteger counter;
  private final AtomicLong floorDetector = new AtomicLong();
  private final AtomicLong floorLease = new AtomicLong();
  private final AtomicLong floorOutcomes = new AtomicLong();
  private ReentrantLock lock;
  private FlowController controller;
  private FlowController openController;
  private FlowRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    semaphore = new Semaphore(NEVER_EXHAUSTED);
    bulkhead = new SemaphoreBulkhead("bench", BulkheadConfig.custom()
        .maxConcurrentCalls(NEVER_EXHAUSTED)
        .maxWaitDuration(Duration.ZERO)
        .build());
    simpleLimiter = SimpleLimiter.newBuilder().limit(FixedLimit.of(NEVER_EXHAUSTED)).build();
    counter = new AtomicInteger();
    controller = FlowController.create(FlowControllerConfig.builder()
        .saturationDetector(ConcurrencyDetector.ofRequests(NEVER_EXHAUSTED))
        .scheduler(InertScheduler.INSTANCE)
        .build());
    openController = FlowController.create(FlowControllerConfig.builder()
        .saturationDetector(SaturationDetector.alwaysOpen())
        .scheduler(InertScheduler.INSTANCE)
        .build());
    lock = new ReentrantLock();
    request = FlowRequest.of(FlowKey.of("tenant-a"));
  }

  /** Each thread's own flow, for the run where threads do not share a flow. */
  @State(Scope.Thread)
  public static class OwnFlow {
    private static final AtomicInteger THREADS = new AtomicInteger();
    final FlowRequest request = FlowRequest.of(FlowKey.of("tenant-" + THREADS.incrementAndGet()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    controller.close();
    openController.close();
  }

  /** {@code Semaphore} tryAcquire + release (non-fair). */
  @Benchmark
  public boolean semaphore() {
    if (semaphore.tryAcquire()) {
      semaphore.release();
      return true;
    }
    return false;
  }

  /** resilience4j {@code SemaphoreBulkhead} tryAcquirePermission + onComplete. */
  @Benchmark
  public boolean bulkhead() {
    if (bulkhead.tryAcquirePermission()) {
      bulkhead.onComplete();
      return true;
    }
    return false;
  }

  /** Netflix concurrency-limits {@code SimpleLimiter} acquire + onSuccess. */
  @Benchmark
  public boolean simpleLimiter() {
    Optional<Limiter.Listener> listener = simpleLimiter.acquire(null);
    if (listener.isPresent()) {
      listener.get().onSuccess();
      return true;
    }
    return false;
  }

  /** The floor for a counting limiter: a bounded CAS increment and a decrement. */
  @Benchmark
  public boolean atomicFloor() {
    for (;;) {
      int current = counter.get();
      if (current >= NEVER_EXHAUSTED) {
        return false;
      }
      if (counter.compareAndSet(current, current + 1)) {
        counter.decrementAndGet();
        return true;
      }
    }
  }

  /**
   * The floor for Sluice's fast path as designed: the atomic steps its guarantees need, on
   * separate words shared like Sluice's (one detector, one flow), with nothing else. Detector grant
   * (bounded CAS) and finish: the exact concurrency limit, what a {@code Semaphore} does. Flow
   * lease taken (CAS, refused once collected) and released: a flow with work is never collected,
   * and its in-flight count. Outcome counter: per-flow statistics. Close flag (CAS): the admission
   * closes once. Plus 64 B in three objects, as Sluice's admission and completed future.
   */
  @Benchmark
  public Object guaranteesFloor() {
    if (!grantFloorSlot()) {
      return null;
    }
    for (;;) {
      long lease = floorLease.get();
      if (lease == -1) {
        return null; // collected: never here
      }
      if (floorLease.compareAndSet(lease, lease + (1L << 32) + 1)) {
        break;
      }
    }
    floorOutcomes.incrementAndGet();
    AtomicInteger closed = new AtomicInteger();
    CompletableFuture<Object> future = CompletableFuture.completedFuture(new Object[] {closed, null});
    if (closed.compareAndSet(0, 1)) {
      floorDetector.decrementAndGet();
      floorLease.decrementAndGet();
    }
    return future;
  }

  /**
   * The floor for any limiter with Sluice's API contract but no per-flow accounting: the exact
   * limit (grant and finish), an admission that closes once (CAS) and the completed future
   * {@code submit} returns; 64 B as Sluice. What {@link #guaranteesFloor} costs without the flow's
   * lease and outcome counter.
   */
  @Benchmark
  public Object limitOnlyFloor() {
    if (!grantFloorSlot()) {
      return null;
    }
    AtomicInteger closed = new AtomicInteger();
    CompletableFuture<Object> future = CompletableFuture.completedFuture(new Object[] {closed, null});
    if (closed.compareAndSet(0, 1)) {
      floorDetector.decrementAndGet();
    }
    return future;
  }

  /** {@link #limitOnlyFloor} for a blocking {@code acquire}: no future, a 40 B admission. */
  @Benchmark
  public Object limitOnlyBlockingFloor() {
    if (!grantFloorSlot()) {
      return null;
    }
    AtomicInteger closed = new AtomicInteger();
    Object[] admission = {closed, null, null};
    if (closed.compareAndSet(0, 1)) {
      floorDetector.decrementAndGet();
    }
    return admission;
  }

  /** The floors' detector grant: one bounded CAS, as {@code ConcurrencyDetector.tryDispatch}. */
  private boolean grantFloorSlot() {
    for (;;) {
      long granted = floorDetector.get();
      if (granted >= NEVER_EXHAUSTED) {
        return false;
      }
      if (floorDetector.compareAndSet(granted, granted + 1)) {
        return true;
      }
    }
  }


  /** The floor for an async API: a {@code CompletableFuture} created, completed and read. */
  @Benchmark
  public Object futureFloor() {
    CompletableFuture<Object> future = new CompletableFuture<>();
    future.complete(Boolean.TRUE);
    return future.getNow(null);
  }

  /** An uncontended {@code ReentrantLock} lock + unlock: what one shard-lock section costs at least. */
  @Benchmark
  public int lockFloor() {
    lock.lock();
    try {
      return lock.getHoldCount();
    } finally {
      lock.unlock();
    }
  }

  /** Sluice {@code submit}, dispatched on arrival, then {@code close}. */
  @Benchmark
  public Admission sluiceSubmit() {
    Admission admission = controller.submit(request).getNow(null);
    admission.close();
    return admission;
  }

  /**
   * {@link #sluiceSubmit} with the {@code always-open} detector: the difference is what the
   * {@link ConcurrencyDetector}'s counters cost.
   */
  @Benchmark
  public Admission sluiceSubmitAlwaysOpen() {
    Admission admission = openController.submit(request).getNow(null);
    admission.close();
    return admission;
  }

  /** {@link #sluiceSubmit} with a flow per thread: at {@code -t 2}, no flow counter is shared. */
  @Benchmark
  public Admission sluiceSubmitOwnFlow(OwnFlow own) {
    Admission admission = controller.submit(own.request).getNow(null);
    admission.close();
    return admission;
  }

  /** Sluice blocking {@code acquire} (never waits here), then {@code close}. */
  @Benchmark
  public Admission sluiceAcquire() throws InterruptedException {
    Admission admission = controller.acquire(request);
    admission.close();
    return admission;
  }
}
