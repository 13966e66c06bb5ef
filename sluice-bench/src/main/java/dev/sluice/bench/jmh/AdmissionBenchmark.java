package dev.sluice.bench.jmh;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.testing.ManualClock;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.internal.SemaphoreBulkhead;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
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
 * The admission fast path, unsaturated: take permission and give it back, never running out. Every
 * limiter is shared by the benchmark threads (run with {@code -t 1} and {@code -t 2}) and permits
 * never run out, as in the incumbents' measurements in {@code docs/benchmarks.md}. For Sluice one
 * operation is submit → dispatch on arrival → {@link Admission#close()}, through the public API
 * with the default {@link ConcurrencyDetector} (a limit never reached) and the system ticker; the
 * scheduler never runs the idle-flow collector, so no background thread competes for the two cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AdmissionBenchmark {
  private static final int NEVER_EXHAUSTED = 1 << 30;

  private Semaphore semaphore;
  private SemaphoreBulkhead bulkhead;
  private SimpleLimiter<Void> simpleLimiter;
  private AtomicInteger counter;
  private final AtomicLong floorDetector = new AtomicLong();
  private final AtomicLong floorLease = new AtomicLong();
  private final AtomicInteger floorClosed = new AtomicInteger();
  private ReentrantLock lock;
  private FlowController controller;
  private FlowController openController;
  private FlowRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    semaphore = new Semaphore(NEVER_EXHAUSTED);
    bulkhead =
        new SemaphoreBulkhead(
            "bench",
            BulkheadConfig.custom()
                .maxConcurrentCalls(NEVER_EXHAUSTED)
                .maxWaitDuration(Duration.ZERO)
                .build());
    simpleLimiter = SimpleLimiter.newBuilder().limit(FixedLimit.of(NEVER_EXHAUSTED)).build();
    counter = new AtomicInteger();
    controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(NEVER_EXHAUSTED))
                .scheduler(new ManualClock()) // never advanced: no timer runs
                .build());
    openController =
        FlowController.create(
            FlowControllerConfig.builder()
                .saturationDetector(SaturationDetector.alwaysOpen())
                .scheduler(new ManualClock()) // never advanced: no timer runs
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
    for (; ; ) {
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
   * The physical floor of the admission contract Sluice promises (sluice-core issue: an exact
   * concurrency limit, a flow holding in-flight work never collected, per-flow in-flight and
   * outcome counts, an idempotent thread-safe close): the five atomic read-modify-writes it needs
   * at the least, on separate words, and nothing else: no lookup, no allocation. The limit's grant
   * (bounded CAS) and finish are a {@code Semaphore}'s two. The flow's lease, taken with its
   * dispatch counted in the same CAS and refused once the flow is collected, and released: two
   * more, since any thread may close. The close-once flag: one more, since two threads may close.
   */
  @Benchmark
  public boolean contractAtomicsFloor() {
    if (!grantFloorSlot() || !leaseFloorFlow()) {
      return false;
    }
    if (floorClosed.compareAndSet(0, 1)) {
      floorDetector.decrementAndGet();
      floorLease.decrementAndGet();
      floorClosed.lazySet(0); // a plain store: the next operation's fresh flag
    }
    return true;
  }

  /**
   * {@link #contractAtomicsFloor} without the close-once flag: an exact limit and a per-flow
   * in-flight count alone, four atomics and nothing else.
   */
  @Benchmark
  public boolean limitAndLeaseAtomicsFloor() {
    if (!grantFloorSlot() || !leaseFloorFlow()) {
      return false;
    }
    floorDetector.decrementAndGet();
    floorLease.decrementAndGet();
    return true;
  }

  /**
   * {@link #contractAtomicsFloor} with what {@code submit} must also return: a fresh admission (24
   * B, it carries the close-once flag) inside a completed future (24 B), 48 B as Sluice. What
   * Sluice's fast path costs without the flow lookup and its own checks.
   */
  @Benchmark
  public @Nullable CompletableFuture<Object> guaranteesFloor() {
    if (!grantFloorSlot() || !leaseFloorFlow()) {
      return null;
    }
    FloorAdmission admission = new FloorAdmission(request);
    CompletableFuture<Object> future = CompletableFuture.completedFuture(admission);
    if (admission.close()) {
      floorDetector.decrementAndGet();
      floorLease.decrementAndGet();
    }
    return future;
  }

  /**
   * The floor for any limiter with Sluice's API contract but no per-flow accounting: the exact
   * limit (grant and finish), an admission that closes once (CAS) and the completed future {@code
   * submit} returns; 48 B as Sluice. What {@link #guaranteesFloor} costs without the flow's lease.
   */
  @Benchmark
  public @Nullable CompletableFuture<Object> limitOnlyFloor() {
    if (!grantFloorSlot()) {
      return null;
    }
    FloorAdmission admission = new FloorAdmission(request);
    CompletableFuture<Object> future = CompletableFuture.completedFuture(admission);
    if (admission.close()) {
      floorDetector.decrementAndGet();
    }
    return future;
  }

  /** {@link #limitOnlyFloor} for a blocking {@code acquire}: no future, a 24 B admission. */
  @Benchmark
  public @Nullable Object limitOnlyBlockingFloor() {
    if (!grantFloorSlot()) {
      return null;
    }
    FloorAdmission admission = new FloorAdmission(request);
    if (admission.close()) {
      floorDetector.decrementAndGet();
    }
    return admission;
  }

  /**
   * The floors' flow lease: one CAS taking it and counting the dispatch, refused once collected.
   */
  private boolean leaseFloorFlow() {
    for (; ; ) {
      long lease = floorLease.get();
      if (lease == -1) {
        return false; // collected: never here
      }
      if (floorLease.compareAndSet(lease, lease + (1L << 32) + 1)) {
        return true;
      }
    }
  }

  /** The floors' admission, 24 B as Sluice's arrival admission (which also holds its flow). */
  private static final class FloorAdmission {
    private static final AtomicIntegerFieldUpdater<FloorAdmission> CLOSED =
        AtomicIntegerFieldUpdater.newUpdater(FloorAdmission.class, "closed");
    private final Object request;
    private volatile int closed;

    FloorAdmission(Object request) {
      this.request = request;
    }

    @Override
    public String toString() {
      return "FloorAdmission(" + request + ")"; // the request is held, as an admission holds it
    }

    boolean close() {
      return closed == 0 && CLOSED.compareAndSet(this, 0, 1);
    }
  }

  /** The floors' detector grant: one bounded CAS, as {@code ConcurrencyDetector.tryDispatch}. */
  private boolean grantFloorSlot() {
    for (; ; ) {
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
    future.complete(true);
    return future.getNow(null);
  }

  /**
   * An uncontended {@code ReentrantLock} lock + unlock: what one shard-lock section costs at least.
   */
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
   * {@link #sluiceSubmit} with the {@code always-open} detector: the difference is what the {@link
   * ConcurrencyDetector}'s counters cost.
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
